"""The ``nianbao`` command line: thin wrappers over the library functions."""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path

import click

from parsers import DocumentError, flatten, parse_document


def _json_default(value):
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def dumps(obj, indent=None) -> str:
    return json.dumps(obj, ensure_ascii=False, default=_json_default, indent=indent, sort_keys=indent is not None)


@click.group()
@click.version_option(package_name="nianbao")
def main() -> None:
    """nianbao (年报): crawl, parse, check, archive and publish government annual reports."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the full record (the default).")
@click.option("--flat", is_flag=True, help="Print exactly the flat keys of spec/record-keys.md.")
@click.option("--url", help="The URL the document came from (recorded in the record).")
@click.option("--region-hint", help="6-digit region code of the portal the document came from.")
def parse(files, as_json, flat, url, region_hint):
    """Parse annual-report documents (HTML, PDF, DOCX, DOC/WPS, XLS/XLSX, text) to JSON.

    One JSON object per line when several files are given. Exit status 2 when a document could
    not be read, with the reason on stderr.
    """
    if as_json and flat:
        raise click.UsageError("--json and --flat are exclusive")
    failed = False
    for path in files:
        try:
            data = path.read_bytes()
        except OSError as error:
            click.echo(f"{path}: cannot read file: {error.strerror}", err=True)
            failed = True
            continue
        try:
            record = parse_document(data, url=url, region_hint=region_hint)
        except DocumentError as error:
            click.echo(f"{path}: {error}", err=True)
            failed = True
            continue
        out = flatten(record) if flat else record
        click.echo(dumps(out, indent=None if len(files) > 1 else 2))
    sys.exit(2 if failed else 0)


@main.command("eval")
@click.argument("gold_dirs", nargs=-1, required=True, type=click.Path(file_okay=False, exists=True, path_type=Path))
@click.option("--docs", "doc_dirs", multiple=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Folders holding the documents (searched recursively; default: the gold folders).")
@click.option("--quiet", is_flag=True, help="Only the per-document and overall lines, no mismatches.")
def evaluate(gold_dirs, doc_dirs, quiet):
    """Compare parses with NAME.expected.json gold files; print per-key accuracy and mismatches."""
    from archive.evaluation import evaluate_dirs

    report = evaluate_dirs(list(gold_dirs), list(doc_dirs) or list(gold_dirs))
    for line in report.lines(show_mismatches=not quiet):
        click.echo(line)
    sys.exit(0 if report.documents and not report.missing else 1)

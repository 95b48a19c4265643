"""The ``nianbao`` command line: thin wrappers over the library functions."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from parsers import DocumentError, flatten, json_default, parse_document


def dumps(obj, indent=None) -> str:
    return json.dumps(obj, ensure_ascii=False, default=json_default, indent=indent, sort_keys=indent is not None)


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


@main.group()
def sampleweb():
    """Local sample government portals (TRS, Hanweb, gkmlpt, VSB, GBK, legacy ASP) for tests and the demo."""


@sampleweb.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8765, show_default=True, help="Port; every portal is served on it by Host name.")
@click.option("--epoch", type=click.IntRange(1, 2), default=1, show_default=True,
              help="2: the same portals a year later (new, revised, removed and moved reports).")
@click.option("--profile", type=click.Choice(["normal", "hostile", "scale"]), default="normal", show_default=True,
              help="hostile: every fault on; scale: --portals × --reports generated reports.")
@click.option("--seed", default=0, show_default=True, help="Seed for everything generated.")
@click.option("--portals", default=50, show_default=True, help="Scale profile: number of portals.")
@click.option("--reports", default=200, show_default=True, help="Scale profile: reports per portal.")
@click.option("--fault", "faults", multiple=True, help="Switch on one fault (repeatable); replaces the profile's set.")
def sampleweb_serve(host, port, epoch, profile, seed, portals, reports, faults):
    """Serve every sample portal on one port, each under its own *.sample.localhost host name.

    The manifest of every report published is at http://127.0.0.1:PORT/_manifest.json.
    """
    from crawler.sampleweb.server import SampleServer

    try:
        server = SampleServer((host, port), dict(epoch=epoch, profile=profile, seed=seed, portals=portals,
                                                 reports=reports, faults=set(faults) if faults else None))
    except (OSError, ValueError) as error:
        raise click.ClickException(str(error)) from None
    manifest = server.site.manifest()
    click.echo(f"sample portals (epoch {epoch}, profile {profile}): {len(manifest['portals'])} portals, "
               f"{len(manifest['reports'])} reports")
    for portal in manifest["portals"][:10]:
        click.echo(f"  {portal['family']:<8} {portal['home_url']}")
    click.echo(f"manifest: http://{host}:{server.port}/_manifest.json   (Ctrl-C stops)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@sampleweb.command("registry")
@click.option("--port", default=8765, show_default=True, help="The port the sample portals are served on.")
@click.option("--discover", is_flag=True, help="Start every source at its home page (family 'home').")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
def sampleweb_registry(port, discover, output):
    """Write a crawler registry for the sample portals served on PORT."""
    from crawler.registry import write_registry
    from crawler.sampleweb.site import SAMPLE_SETTINGS, Site, registry_entries

    site = Site(port=port)
    write_registry(output, registry_entries(site, discover), settings=SAMPLE_SETTINGS,
                   comment=f"The local sample portals on port {port} (nianbao sampleweb serve --port {port}).")
    click.echo(f"wrote {output}: {len(site.portals)} sources")


@main.command()
@click.option("--registry", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Registry file (default: the bundled sample portals, crawler/sources/sample.yaml).")
@click.option("--source", "sources", multiple=True, help="Only this source id (repeatable).")
@click.option("--family", help="Only sources of this CMS family.")
@click.option("--region", help="Only sources whose region code starts with this prefix.")
@click.option("--archive", default="archive", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Archive folder: archive.db and warc/.")
@click.option("--jobdir", type=click.Path(file_okay=False), help="Scrapy JOBDIR: rerun with the same one to resume.")
@click.option("--set", "overrides", multiple=True, metavar="NAME=VALUE", help="A Scrapy setting (repeatable).")
@click.option("--run-id", help="Name the run (default: the start time); rerunning a killed crawl with --jobdir keeps it.")
@click.option("--redis", "redis_url", metavar="URL", help="Share the queue with other workers (scrapy-redis), e.g. "
              "redis://HOST:6379/0; needs --run-id, the same on every worker.")
@click.option("--worker", default="w0", show_default=True, help="This worker's name (in WARC file names).")
def crawl(registry, sources, family, region, archive, jobdir, overrides, run_id, redis_url, worker):
    """Crawl the registered portals into the archive: every response becomes a capture."""
    from crawler.registry import RegistryError
    from crawler.run import run_crawl

    settings = {}
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.UsageError(f"--set wants NAME=VALUE, not {item!r}")
        settings[name] = value
    try:
        reason = run_crawl(registry=registry, sources=sources, family=family, region=region, archive=archive,
                           jobdir=jobdir, overrides=settings, run_id=run_id, redis_url=redis_url, worker=worker)
    except RegistryError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"crawl finished: {reason}")
    sys.exit(0 if reason == "finished" else 1)


@main.command("build")
@click.option("--archive", default="archive", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Archive folder (archive.db and warc/).")
@click.option("--rebuild", is_flag=True, help="Re-derive everything from all captures.")
@click.option("--workers", type=int, help="Parser processes (default: one per CPU).")
@click.option("--merge", "merge_dirs", multiple=True, type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="First merge the captures of a crawl worker's archive folder (repeatable).")
def build_command(archive, rebuild, workers, merge_dirs):
    """Parse new captures and update reports, versions, cells, checks and search."""
    from archive.build import build

    if merge_dirs:
        from archive.merge import merge

        added = merge(archive, list(merge_dirs))
        click.echo(f"merged {added} captures from {len(merge_dirs)} worker archive(s)", err=True)
    if not (archive / "archive.db").exists():
        raise click.ClickException(f"no archive at {archive}/archive.db (run nianbao crawl first)")
    summary = build(archive, rebuild=rebuild, workers=workers, progress=lambda m: click.echo(m, err=True))
    click.echo(summary.line())


@main.command("release")
@click.option("--archive", default="archive", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--out", "out_dir", default="release", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder for archive.db, its sha256, manifest.json and csv/.")
def release_command(archive, out_dir):
    """Write the downloadable release: a VACUUMed archive.db, its sha256, a manifest and CSVs."""
    from archive.release import release

    if not (archive / "archive.db").exists():
        raise click.ClickException(f"no archive at {archive}/archive.db")
    manifest = release(archive, out_dir)
    click.echo(f"{out_dir}/archive.db: {manifest['bytes']:,} bytes, sha256 {manifest['sha256']}, "
               f"{manifest['counts'].get('reports', 0)} reports")


@main.command("demo")
@click.option("--workdir", default="demo", show_default=True, type=click.Path(file_okay=False, path_type=Path),
              help="Where the archive, the release and the sample manifest go.")
@click.option("--port", default=8001, show_default=True, help="Port for the Datasette site.")
@click.option("--no-serve", is_flag=True, help="Stop after the build; leave WORKDIR/archive.db.")
def demo(workdir, port, no_serve):
    """The main job on the embedded default: sample portals → crawl → build → Datasette."""
    from archive.demo import run_demo

    try:
        paths = run_demo(workdir, say=lambda m: click.echo(m, err=True))
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"archive: {paths['db']}   release: {paths['release']}   sample manifest: {paths['manifest']}")
    if no_serve:
        return
    click.get_current_context().invoke(serve_command, db=paths["db"], port=port, release_dir=paths["release"])


@main.command("update")
@click.option("--registry", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Registry file (default: the bundled sample portals).")
@click.option("--archive", default="archive", show_default=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--release-dir", type=click.Path(file_okay=False, path_type=Path), help="Also write the release here.")
@click.option("--due", is_flag=True, help="Only sources not crawled for a week (Jan–Mar) or a month (otherwise).")
def update_command(registry, archive, release_dir, due):
    """Crawl + build + release, for cron: locked, with a run report and a failing exit status."""
    from archive.update import Locked, update

    try:
        report = update(archive_dir=archive, registry=registry, release_dir=release_dir, due=due,
                        say=lambda m: click.echo(m, err=True))
    except Locked as error:
        click.echo(f"nianbao update: {error}", err=True)
        sys.exit(75)  # EX_TEMPFAIL: try again later
    for line in report.lines():
        click.echo(line)
    sys.exit(0 if report.ok else 1)


@main.command("serve")
@click.argument("db", type=click.Path(exists=True, path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8001, show_default=True, help="Port.")
@click.option("--release-dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="Folder written by nianbao release: its files are offered for download at /-/release/.")
def serve_command(db, host, port, release_dir):
    """Serve an archive (archive.db or its folder) with Datasette as the database 'archive'."""
    from archive.site.app import serve

    try:
        serve(db, host=host, port=port, release_dir=release_dir, echo=lambda m: click.echo(m))
    except FileNotFoundError as error:
        raise click.ClickException(str(error)) from None

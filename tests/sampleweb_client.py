"""A tiny HTTP client for the sample portals: asks 127.0.0.1 with the portal's Host header."""

import http.client
import json
import urllib.parse


class Client:
    def __init__(self, port: int):
        self.port = port

    def request(self, url: str, method: str = "GET", headers: dict | None = None, body: bytes | None = None,
                timeout: float = 10):
        """(status, headers, body) for an absolute URL on a *.sample.localhost host."""
        split = urllib.parse.urlsplit(url)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        path = split.path + (f"?{split.query}" if split.query else "")
        conn.request(method, path, body=body, headers={"Host": split.netloc, **(headers or {})})
        response = conn.getresponse()
        data = response.read()
        conn.close()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, data

    def get(self, url: str, **kwargs):
        return self.request(url, **kwargs)

    def manifest(self) -> dict:
        return json.loads(self.get(f"http://127.0.0.1:{self.port}/_manifest.json")[2])

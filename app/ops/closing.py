"""Close a response as soon as it is sent, on Werkzeug's development server.

That server (`dev.py run`, the browser tests) closes the app's iterable in a
`finally` after it drains the client's socket; when the client resets the
connection (a browser tab closed while its favicon came back as a 304), the
drain raises first and close() never runs. A static file then stays open until
the garbage collector finds it: a ResourceWarning, which failed a browser test
in CI. gunicorn closes the iterable itself and may send a file with sendfile(),
which a wrapper would hide, so only Werkzeug's server gets the wrapper.
"""


def close_when_sent(wsgi_app):
    """WSGI middleware: on Werkzeug's server, close the response's iterable as
    soon as its last chunk is taken."""

    def app(environ, start_response):
        iterable = wsgi_app(environ, start_response)
        server = environ.get("SERVER_SOFTWARE", "")
        if not server.startswith("Werkzeug/") or not hasattr(iterable, "close"):
            return iterable
        return _closed_at_end(iterable)

    return app


def _closed_at_end(iterable):
    try:
        yield from iterable
    finally:
        iterable.close()

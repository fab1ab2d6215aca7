"""Security headers on every response: pages, API, errors and static files,
and Socket.IO's own answers (its polling transport never reaches Flask)."""

from flask import Flask, Response, request

# Only the app's own files run: no inline script, style, handler or eval. DSFR's
# stylesheet draws some icons from data: URLs; the chat's socket is same-origin.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers without CSP 2
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
}


def install(app: Flask) -> None:
    """Add the headers after every request; HSTS only on HTTPS requests."""
    hsts = f"max-age={app.config['HSTS_MAX_AGE']}; includeSubDomains"

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if request.is_secure and app.config["HSTS_MAX_AGE"]:
            response.headers.setdefault("Strict-Transport-Security", hsts)
        return response


def wsgi_middleware(wsgi_app, hsts_max_age: int):
    """WSGI middleware: the same headers on answers Flask does not make, such as
    Socket.IO's polling responses; a header already set is left as it is."""
    hsts = f"max-age={hsts_max_age}; includeSubDomains"

    def app(environ, start_response):
        def start(status, headers, exc_info=None):
            present = {name.lower() for name, _ in headers}
            extra = dict(HEADERS)
            if environ.get("wsgi.url_scheme") == "https" and hsts_max_age:
                extra["Strict-Transport-Security"] = hsts
            headers = list(headers) + [
                (name, value)
                for name, value in extra.items()
                if name.lower() not in present
            ]
            return start_response(status, headers, exc_info)

        return wsgi_app(environ, start)

    return app

"""Write the nginx site of EIG Link from eiglink.conf.template.

    python3 deploy/nginx/render.py --server-name link.example.gouv.fr \\
        --web 10.0.0.11:8001,10.0.0.11:8002,10.0.0.12:8001,10.0.0.12:8002 \\
        --realtime 10.0.0.11:8101,10.0.0.12:8101 \\
        --cert /etc/ssl/eiglink.pem --key /etc/ssl/private/eiglink.key \\
        > /etc/nginx/conf.d/eiglink.conf && nginx -t && systemctl reload nginx

--web lists the EIG_ROLE=web processes (pages, API, static files), --realtime
the EIG_ROLE=realtime ones (/socket.io/). Each option takes host:port addresses,
comma-separated or repeated. --upstream, the layout before the split, lists
processes that serve both (EIG_ROLE=all): nginx then uses them for both.
"""

import argparse
from pathlib import Path
from string import Template

TEMPLATE = Path(__file__).with_name("eiglink.conf.template")
# The app's static folder in this checkout: nginx serves it (readable by its user).
STATIC_ROOT = Path(__file__).resolve().parents[2] / "app" / "static"
# The app's security headers (app/ops/headers.py) on the static files nginx
# serves itself, with a stricter policy: these files are never pages. The
# deployment test compares them with the app's.
STATIC_HEADERS = {
    "Strict-Transport-Security": f"max-age={365 * 24 * 3600}; includeSubDomains",
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def render(
    *,
    server_name: str,
    cert: str,
    key: str,
    web: list[str] = (),
    realtime: list[str] = (),
    upstreams: list[str] = (),
    https_listen: str = "443",
    http_listen: str = "80",
    access_log: str = "/var/log/nginx/eiglink.access.log",
    static_root: str | Path = STATIC_ROOT,
) -> str:
    """The site configuration, for these app processes and this certificate."""
    web, realtime = [*web, *upstreams], [*realtime, *upstreams]
    if not web or not realtime:
        raise ValueError(
            "web and realtime processes are both needed: --web and --realtime "
            "host:port, or --upstream for processes that serve both"
        )
    values = {
        "EIG_SERVER_NAME": server_name,
        "EIG_WEB_SERVERS": _servers(web),
        "EIG_REALTIME_SERVERS": _servers(realtime),
        "EIG_TLS_CERT": cert,
        "EIG_TLS_KEY": key,
        "EIG_HTTPS_LISTEN": https_listen,
        "EIG_HTTP_LISTEN": http_listen,
        "EIG_ACCESS_LOG": access_log,
        "EIG_STATIC_ROOT": str(static_root).rstrip("/"),
        "EIG_STATIC_HEADERS": "\n".join(
            f'        add_header {name} "{value}" always;'
            for name, value in STATIC_HEADERS.items()
        ),
    }
    # safe_substitute: nginx's own $variables stay as they are.
    return Template(TEMPLATE.read_text()).safe_substitute(values)


def _servers(addresses: list[str]) -> str:
    unique = list(dict.fromkeys(addresses))  # listed by --upstream and --web: once
    return "\n".join(f"    server {address};" for address in unique)


def _addresses(values: list[str] | None) -> list[str]:
    """Repeated options, each possibly a comma-separated list."""
    return [a.strip() for value in values or () for a in value.split(",") if a.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-name", required=True)
    parser.add_argument("--web", action="append", help="EIG_ROLE=web processes")
    parser.add_argument("--realtime", action="append", help="EIG_ROLE=realtime ones")
    parser.add_argument("--upstream", action="append", help="EIG_ROLE=all processes")
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--https-listen", default="443")
    parser.add_argument("--http-listen", default="80")
    parser.add_argument("--access-log", default="/var/log/nginx/eiglink.access.log")
    parser.add_argument(
        "--static-root", default=str(STATIC_ROOT), help="the app's static folder"
    )
    args = parser.parse_args()
    try:
        site = render(
            server_name=args.server_name,
            web=_addresses(args.web),
            realtime=_addresses(args.realtime),
            upstreams=_addresses(args.upstream),
            cert=args.cert,
            key=args.key,
            https_listen=args.https_listen,
            http_listen=args.http_listen,
            access_log=args.access_log,
            static_root=args.static_root,
        )
    except ValueError as error:
        parser.error(str(error))
    print(site)


if __name__ == "__main__":
    main()

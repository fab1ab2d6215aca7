"""Write the nginx site of EIG Link from eiglink.conf.template.

    python3 deploy/nginx/render.py --server-name link.example.gouv.fr \\
        --upstream 10.0.0.11:8001 --upstream 10.0.0.11:8002 \\
        --upstream 10.0.0.12:8001 --upstream 10.0.0.12:8002 \\
        --cert /etc/ssl/eiglink.pem --key /etc/ssl/private/eiglink.key \\
        > /etc/nginx/conf.d/eiglink.conf && nginx -t && systemctl reload nginx
"""

import argparse
from pathlib import Path
from string import Template

TEMPLATE = Path(__file__).with_name("eiglink.conf.template")


def render(
    *,
    server_name: str,
    upstreams: list[str],
    cert: str,
    key: str,
    https_listen: str = "443",
    http_listen: str = "80",
    access_log: str = "/var/log/nginx/eiglink.access.log",
) -> str:
    """The site configuration, for these app processes and this certificate."""
    if not upstreams:
        raise ValueError("at least one --upstream host:port is needed")
    servers = "\n".join(f"    server {address};" for address in upstreams)
    values = {
        "EIG_SERVER_NAME": server_name,
        "EIG_UPSTREAM_SERVERS": servers,
        "EIG_TLS_CERT": cert,
        "EIG_TLS_KEY": key,
        "EIG_HTTPS_LISTEN": https_listen,
        "EIG_HTTP_LISTEN": http_listen,
        "EIG_ACCESS_LOG": access_log,
    }
    # safe_substitute: nginx's own $variables stay as they are.
    return Template(TEMPLATE.read_text()).safe_substitute(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server-name", required=True)
    parser.add_argument("--upstream", action="append", required=True)
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--https-listen", default="443")
    parser.add_argument("--http-listen", default="80")
    parser.add_argument("--access-log", default="/var/log/nginx/eiglink.access.log")
    args = parser.parse_args()
    print(
        render(
            server_name=args.server_name,
            upstreams=args.upstream,
            cert=args.cert,
            key=args.key,
            https_listen=args.https_listen,
            http_listen=args.http_listen,
            access_log=args.access_log,
        )
    )


if __name__ == "__main__":
    main()

"""Keep web workers busy: clients looping over pages, from a process of their own.

    python -m tests.deploy.flood https://127.0.0.1:8443 --cookie "session=..." \\
        --path /members/ --path /defis/ --clients 16 --seconds 5 --ca cert.pem

Prints one JSON line: how many pages answered, the errors, and each page's time
in seconds. A separate process, so that its threads do not hold the GIL of
whoever measures something else meanwhile (a socket's acks in the deployment
test).
"""

import argparse
import json
import threading
import time

import requests


def flood(url, paths, cookie, clients, seconds, ca=None) -> dict:
    """`clients` threads, each GETting `paths` in turn until `seconds` pass."""
    deadline = time.monotonic() + seconds
    times: list[float] = []
    errors: list[str] = []

    def client(offset: int) -> None:
        http = requests.Session()
        http.trust_env = False
        http.verify = ca or True
        http.headers["Cookie"] = cookie
        http.headers["User-Agent"] = "eig-flood"
        n = offset
        while time.monotonic() < deadline:
            start = time.monotonic()
            try:
                response = http.get(
                    url + paths[n % len(paths)], timeout=30, allow_redirects=False
                )
            except requests.RequestException as error:
                errors.append(repr(error))
                continue
            if response.status_code == 200:
                times.append(time.monotonic() - start)
            else:
                errors.append(f"{response.status_code} {paths[n % len(paths)]}")
            n += 1

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"count": len(times), "errors": errors, "times": times}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--path", action="append", required=True)
    parser.add_argument("--cookie", default="")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--ca")
    args = parser.parse_args()
    result = flood(
        args.url, args.path, args.cookie, args.clients, args.seconds, args.ca
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()

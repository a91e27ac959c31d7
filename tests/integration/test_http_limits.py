"""The HTTP listener's limits: open connections (limits.max_http_connections), header and body
sizes, each with the status code HTTP has for it."""

import socket
import time


def request(port, data, timeout=5):
    sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    sock.sendall(data)
    reply = b""
    while b"\r\n" not in reply:
        chunk = sock.recv(4096)
        if not chunk:
            break
        reply += chunk
    sock.close()
    return reply.split(b"\r\n", 1)[0].decode()


def test_connections_beyond_the_limit_get_503(tern_factory):
    server = tern_factory(settings={"limits": {"max_http_connections": 2}})
    idle = [socket.create_connection(("127.0.0.1", server.http_port)) for _ in range(2)]
    time.sleep(0.2)
    assert request(server.http_port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n").startswith("HTTP/1.1 503")
    for sock in idle:
        sock.close()
    time.sleep(0.2)
    assert request(server.http_port, b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n") == "HTTP/1.1 200 OK"


def test_oversized_headers_and_bodies(server):
    huge_header = b"GET /health HTTP/1.1\r\nHost: x\r\nX-Filler: " + b"a" * 20000 + b"\r\n\r\n"
    assert request(server.http_port, huge_header).startswith("HTTP/1.1 431")
    # The announced length is refused before the body is read (and the rest is drained, so the
    # client sees the status).
    body = b"<body/>" * 200000
    huge_body = (b"POST /http-bind HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    assert request(server.http_port, huge_body).startswith("HTTP/1.1 413")

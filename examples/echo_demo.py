"""The echo server from Node's net documentation, with a client that talks to it.

Run: python examples/echo_demo.py   (or `make demo`). It exits by itself.
"""
from typing import List

import pyuv_net as net


def on_connection(conn: net.Socket) -> None:
    # 'connection' listener.
    print("server: client connected from %s:%s" % (conn.remote_address, conn.remote_port))
    conn.on("end", lambda: print("server: client disconnected"))
    conn.write("hello\r\n")
    conn.pipe(conn)


server = net.create_server(on_connection)


@server.on("error")
def on_error(err: BaseException) -> None:
    raise err


def run_client() -> None:
    port = server.address()["port"]
    print("server bound to %s" % (server.address(),))
    lines = ["Node's net module", "in Python", "on libuv"]
    client = net.connect(port, "127.0.0.1")
    client.set_encoding("utf8")
    received: List[str] = []

    @client.on("connect")
    def on_connect() -> None:
        print("client: connected to %s:%s" % (client.remote_address, client.remote_port))
        for line in lines:
            print("client: send %r" % line)
            client.write(line + "\n")

    @client.on("data")
    def on_data(text: str) -> None:
        received.append(text)
        for line in text.splitlines():
            print("client: got  %r" % line)
        if "".join(received).count("\n") >= len(lines) + 1:
            client.end()

    @client.on("close")
    def on_close(had_error: bool) -> None:
        print("client: closed (had_error=%s), %d bytes sent, %d received"
              % (had_error, client.bytes_written, client.bytes_read))
        server.close(lambda err: print("server: closed"))


server.listen(0, "127.0.0.1", run_client)
net.run()

"""pyuv_net echo server for the benchmarks.

Usage: python pyuv_net_echo.py data|pipe PORT   (PORT 0 = any free port)
  data  sock.on('data', sock.write)
  pipe  sock.pipe(sock)
Prints "LISTENING <port>" when ready; runs until killed.
"""
import resource
import sys

import pyuv_net as net


def main():
    style = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))

    if style == "data":
        def on_connection(sock):
            sock.on("error", lambda err: None)   # a peer reset must not stop the server
            sock.on("data", sock.write)
    elif style == "pipe":
        def on_connection(sock):
            sock.on("error", lambda err: None)
            sock.pipe(sock)
    else:
        sys.exit("unknown style %r" % style)

    server = net.create_server(on_connection, no_delay=True)

    def ready():
        print("LISTENING %d pyuv_net=%s" % (server.address()["port"],
                                            getattr(net, "__version__", "?")), flush=True)

    server.listen(port, "127.0.0.1", callback=ready)
    net.run()


if __name__ == "__main__":
    main()

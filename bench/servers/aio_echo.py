"""asyncio echo servers for the benchmarks (stdlib event loop or uvloop).

Usage: python aio_echo.py asyncio|uvloop protocol|streams PORT   (PORT 0 = any free port)
  protocol  an asyncio.Protocol whose data_received writes the data back
  streams   asyncio.start_server with a read()/write()/drain() loop
Prints "LISTENING <port>" when ready; runs until killed.
"""
import asyncio
import resource
import sys


class EchoProtocol(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.transport.write(data)

    def eof_received(self):
        return None  # close the transport


async def echo_stream(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, OSError):
        pass
    finally:
        writer.close()


async def serve(api, port):
    if api == "protocol":
        server = await asyncio.get_running_loop().create_server(
            EchoProtocol, "127.0.0.1", port, backlog=511)
    elif api == "streams":
        server = await asyncio.start_server(echo_stream, "127.0.0.1", port, backlog=511)
    else:
        sys.exit("unknown api %r" % api)
    port = server.sockets[0].getsockname()[1]
    print("LISTENING %d" % port, flush=True)
    async with server:
        await server.serve_forever()


def main():
    flavour, api = sys.argv[1], sys.argv[2]
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 0
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    if flavour == "uvloop":
        import uvloop
        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
        asyncio.run(serve(api, port))
    elif flavour == "asyncio":
        asyncio.run(serve(api, port))
    else:
        sys.exit("unknown loop %r" % flavour)


if __name__ == "__main__":
    main()

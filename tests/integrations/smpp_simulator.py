"""A local SMSC for the tests: smpp34's SMPP 3.4 server behind a small bind gate.

Run as a subprocess (tests/integrations/conftest.py):

    python smpp_simulator.py --system-id vikno --password secret --log pdus.jsonl

It prints "READY <port>" once it listens on 127.0.0.1, answers every submit_sm with a
message id ("sim-1", "sim-2", ...) and appends each one it received to --log as a JSON
line (addresses, TON/NPI, data_coding, esm_class, short_message in hex, and the UDH
parsed when esm_class has the UDHI bit).

smpp34's Python server accepts every bind (it has no hook to check a password), so the
public port is a thin asyncio gate: it reads the first PDU, answers a wrong system_id or
password itself with ESME_RINVPASWD / ESME_RINVSYSID and closes, and otherwise pipes the
connection, bind included, to the smpp34 server on an inner port.
"""

import argparse
import asyncio
import contextlib
import json
import socket
import struct
import sys

import smpp34

BIND_COMMANDS = {0x00000002: 0x80000002, 0x00000001: 0x80000001, 0x00000009: 0x80000009}
ESME_RINVPASWD = 0x0000000E
ESME_RINVSYSID = 0x0000000F
ESME_RINVBNDSTS = 0x00000004
ESME_RTHROTTLED = 0x00000058
ESME_RINVDSTADR = 0x0000000B


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def c_strings(body: bytes, count: int) -> list[str]:
    return [part.decode("latin-1") for part in body.split(b"\0", count)[:count]]


def response(command_id: int, status: int, sequence: int, body: bytes = b"") -> bytes:
    return struct.pack(">IIII", 16 + len(body), command_id, status, sequence) + body


def udh_of(esm_class: int, short_message: bytes) -> dict | None:
    if not esm_class & 0x40 or not short_message:
        return None
    length = short_message[0]
    header = short_message[1 : 1 + length]
    udh = {"hex": short_message[: 1 + length].hex()}
    if len(header) >= 5 and header[0] == 0x00 and header[1] == 3:  # 8-bit concatenation IE
        udh.update({"reference": header[2], "total": header[3], "number": header[4]})
    return udh


class Simulator:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.inner_port = free_port()
        self.count = 0

    async def gate(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Check the bind of one connection; pipe it to the smpp34 server if it is right."""
        try:
            head = await reader.readexactly(16)
            length, command_id, _status, sequence = struct.unpack(">IIII", head)
            body = await reader.readexactly(length - 16)
            if command_id not in BIND_COMMANDS:
                writer.write(response(0x80000000, ESME_RINVBNDSTS, sequence))  # generic_nack
                return
            system_id, password = c_strings(body, 2)
            status = 0
            if system_id != self.args.system_id:
                status = ESME_RINVSYSID
            elif password != self.args.password:
                status = ESME_RINVPASWD
            if status:
                writer.write(response(BIND_COMMANDS[command_id], status, sequence, b"SIM\0"))
                return
            inner_reader, inner_writer = await asyncio.open_connection("127.0.0.1", self.inner_port)
            inner_writer.write(head + body)
            await asyncio.gather(self.pipe(reader, inner_writer), self.pipe(inner_reader, writer))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            with contextlib.suppress(Exception):
                await writer.drain()
            writer.close()

    @staticmethod
    async def pipe(source: asyncio.StreamReader, target: asyncio.StreamWriter) -> None:
        try:
            while chunk := await source.read(65536):
                target.write(chunk)
                await target.drain()
        except ConnectionError:
            pass
        finally:
            with contextlib.suppress(Exception):
                target.close()

    def record(self, event: smpp34.SubmitSmEvent, message_id: str, status: int) -> None:
        line = {
            "message_id": message_id,
            "status": status,
            "system_id": self.args.system_id,
            "source_addr": event.source_addr,
            "source_addr_ton": event.source_addr_ton,
            "source_addr_npi": event.source_addr_npi,
            "destination_addr": event.destination_addr,
            "dest_addr_ton": event.dest_addr_ton,
            "dest_addr_npi": event.dest_addr_npi,
            "data_coding": event.data_coding,
            "esm_class": event.esm_class,
            "short_message": event.short_message.hex(),
            "udh": udh_of(event.esm_class, event.short_message),
        }
        with open(self.args.log, "a", encoding="utf-8") as log:
            log.write(json.dumps(line) + "\n")

    async def serve(self) -> None:
        server = smpp34.Server(host="127.0.0.1", port=self.inner_port, system_id="SIM")
        await server.start()
        gate = await asyncio.start_server(self.gate, "127.0.0.1", self.args.port)
        print("READY", gate.sockets[0].getsockname()[1], flush=True)
        while True:
            event = await server.next()
            if not isinstance(event, smpp34.SubmitSmEvent):
                continue
            if self.args.throttle:
                self.record(event, "", ESME_RTHROTTLED)
                event.reject(ESME_RTHROTTLED)
            elif any(event.destination_addr.startswith(p) for p in self.args.invalid_prefix):
                self.record(event, "", ESME_RINVDSTADR)
                event.reject(ESME_RINVDSTADR)
            else:
                self.count += 1
                message_id = f"sim-{self.count}"
                self.record(event, message_id, 0)
                event.accept(message_id=message_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0, help="0: any free port")
    parser.add_argument("--system-id", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--log", required=True, help="JSON lines, one per submit_sm")
    parser.add_argument("--throttle", action="store_true", help="refuse every submit_sm")
    parser.add_argument(
        "--invalid-prefix", action="append", default=[], help="destinations to refuse"
    )
    args = parser.parse_args()
    try:
        asyncio.run(Simulator(args).serve())
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()

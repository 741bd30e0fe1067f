"""`gust nimbus`'s framed transport: bad framing, unknown methods, idle and
stalled clients.  Each case checks the reply a Thrift client would read and
that the daemon still serves afterwards."""
import socket
import struct
import sys
import time
import unittest

from nimbus_wire import (EXCEPTION, Nimbus, T_I32, T_STRING, decode_message, framed, message,
                         recv_all, recv_frame)

UNKNOWN_METHOD, INVALID_MESSAGE_TYPE, PROTOCOL_ERROR = 1, 2, 7


class TransportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.nimbus = Nimbus()

    @classmethod
    def tearDownClass(cls):
        cls.nimbus.stop()

    def tearDown(self):
        self.assertTrue(self.nimbus.alive(), self.nimbus.log_text())
        # The daemon still answers a well-formed call on a new connection.
        method, mtype, seqid, _ = self.nimbus.call(message("noSuchMethod", 99))
        self.assertEqual((method, mtype, seqid), ("noSuchMethod", EXCEPTION, 99))

    def assert_application_exception(self, reply, method, seqid, kind, text):
        got_method, mtype, got_seqid, fields = reply
        self.assertEqual((got_method, mtype, got_seqid), (method, EXCEPTION, seqid))
        self.assertEqual(fields[2], (T_I32, kind))
        self.assertEqual(fields[1][0], T_STRING)
        self.assertIn(text, fields[1][1].decode())

    def test_unknown_method_is_named_and_the_connection_stays(self):
        with self.nimbus.connect() as s:
            self.assert_application_exception(self.nimbus.call(message("fooBar", 7), s), "fooBar",
                                              7, UNKNOWN_METHOD, "Invalid method name: 'fooBar'")
            self.assert_application_exception(self.nimbus.call(message("fooBaz", 8), s), "fooBaz",
                                              8, UNKNOWN_METHOD, "'fooBaz'")

    def test_unsupported_method_says_gust_does_not_support_it(self):
        reply = self.nimbus.call(message("setLogConfig", 3))
        self.assert_application_exception(reply, "setLogConfig", 3, UNKNOWN_METHOD,
                                          "gust nimbus does not support setLogConfig")

    def test_non_strict_header_is_accepted(self):
        name = b"fooBar"
        payload = struct.pack(">i", len(name)) + name + struct.pack(">bi", 1, 5) + b"\0"
        self.assert_application_exception(self.nimbus.call(payload), "fooBar", 5, UNKNOWN_METHOD,
                                          "fooBar")

    def test_reply_message_type_is_refused(self):
        reply = self.nimbus.call(message("getLeader", 4, mtype=2))
        self.assert_application_exception(reply, "getLeader", 4, INVALID_MESSAGE_TYPE,
                                          "not a call")

    def test_malformed_header_gets_a_protocol_error_and_the_connection_stays(self):
        with self.nimbus.connect() as s:
            reply = self.nimbus.call(struct.pack(">II", 0x80010001, 1000) + b"abc", s)
            self.assert_application_exception(reply, "", 0, PROTOCOL_ERROR, "method name is cut short")
            reply = self.nimbus.call(struct.pack(">I", 0x12340001), s)
            self.assert_application_exception(reply, "", 0, PROTOCOL_ERROR, "method name is cut short")
            reply = self.nimbus.call(struct.pack(">I", 0x80010001), s)
            self.assert_application_exception(reply, "", 0, PROTOCOL_ERROR, "cut short")
            self.assert_application_exception(self.nimbus.call(message("x", 2), s), "x", 2,
                                              UNKNOWN_METHOD, "'x'")

    def test_empty_frame_gets_a_protocol_error(self):
        with self.nimbus.connect() as s:
            s.sendall(struct.pack(">I", 0))
            self.assert_application_exception(decode_message(recv_frame(s)), "", 0,
                                              PROTOCOL_ERROR, "empty frame")

    def test_oversize_frame_is_refused_with_its_method_and_seqid(self):
        with self.nimbus.connect() as s:
            s.sendall(struct.pack(">I", 2_000_000) + message("uploadChunk", 12) + b"x" * 4096)
            reply = decode_message(recv_frame(s))
            self.assert_application_exception(reply, "uploadChunk", 12, PROTOCOL_ERROR,
                                              "frame of 2000000 bytes is over "
                                              "nimbus.thrift.max_buffer_size (1048576 bytes)")
            s.shutdown(socket.SHUT_WR)
            self.assertEqual(recv_all(s), b"")  # then closed

    def test_unframed_client_is_told_to_use_the_framed_transport(self):
        with self.nimbus.connect() as s:
            s.sendall(message("getLeader", 1))
            data = recv_all(s)
        reply = decode_message(data)  # written unframed, so that this client can read it
        self.assert_application_exception(reply, "getLeader", 1, PROTOCOL_ERROR,
                                          "framed transport")

    def test_http_request_gets_an_http_answer(self):
        with self.nimbus.connect() as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
            data = recv_all(s)
        self.assertTrue(data.startswith(b"HTTP/1.0 400 "), data)
        self.assertIn(b"speaks Thrift", data)

    def test_negative_length_is_refused(self):
        with self.nimbus.connect() as s:
            s.sendall(struct.pack(">I", 0xfffffff0))
            self.assert_application_exception(decode_message(recv_frame(s)), "", 0,
                                              PROTOCOL_ERROR, "negative")

    def test_truncated_frame_then_close_leaves_the_daemon_up(self):
        for cut in (2, 10, 30):
            with self.nimbus.connect() as s:
                s.sendall(framed(message("getLeader", 1))[:cut])

    def test_stalled_and_idle_clients_do_not_block_others(self):
        stalled = self.nimbus.connect()
        stalled.sendall(struct.pack(">I", 1000) + b"half a frame")  # never finished
        idle = [self.nimbus.connect() for _ in range(500)]
        try:
            with self.nimbus.connect() as s:
                for seqid in range(1, 21):
                    reply = self.nimbus.call(message("fooBar", seqid), s)
                    self.assertEqual(reply[2], seqid)
            # Every idle connection is still open and served.
            for i, s in enumerate(idle[::50]):
                reply = self.nimbus.call(message("fooBar", 1000 + i), s)
                self.assertEqual(reply[2], 1000 + i)
        finally:
            stalled.close()
            for s in idle:
                s.close()


if __name__ == "__main__":
    unittest.main(verbosity=2)

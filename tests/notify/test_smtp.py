"""The SMTP backend delivers to a real (tiny, local) SMTP server."""
import socketserver
import threading

import pytest

from sentem.notify import outbox


class _Handler(socketserver.StreamRequestHandler):
    """Just enough SMTP (RFC 5321) to accept one message."""

    def handle(self):
        self.wfile.write(b"220 test ESMTP\r\n")
        data, in_data = [], False
        for raw in self.rfile:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if in_data:
                if line == ".":
                    in_data = False
                    self.server.received.append("\n".join(data))
                    self.wfile.write(b"250 queued\r\n")
                else:
                    data.append(line)
                continue
            verb = line.split(" ", 1)[0].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == "DATA":
                in_data = True
                self.wfile.write(b"354 go ahead\r\n")
            elif verb == "QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.server.envelope.append(line)
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.received, server.envelope = [], []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_email_goes_out_by_smtp_and_not_to_the_outbox_folder(app, smtp_server):
    app.config["SENTEM_OUTBOX"] = "smtp"
    app.config["SENTEM_SMTP_URL"] = f"smtp+plain://127.0.0.1:{smtp_server.server_address[1]}"
    outbox.send_email("member@example.com", "[왓플래닛] 안내", "본문입니다", category="test")
    assert any("member@example.com" in line for line in smtp_server.envelope)
    assert "Subject:" in smtp_server.received[0]
    assert outbox.messages() == []


def test_unreachable_smtp_is_an_outbox_error(app):
    app.config["SENTEM_OUTBOX"] = "smtp"
    app.config["SENTEM_SMTP_URL"] = "smtp+plain://127.0.0.1:9"
    with pytest.raises(outbox.OutboxError):
        outbox.send_email("member@example.com", "s", "b", category="test")


def test_signup_survives_a_mail_server_that_is_down(app, client):
    from tests.accounts.builders import signup_form

    app.config["SENTEM_OUTBOX"] = "smtp"
    app.config["SENTEM_SMTP_URL"] = "smtp+plain://127.0.0.1:9"
    assert client.post("/signup", data=signup_form()).status_code == 302


def test_unsubscribe_headers_reach_the_mail_server(app, smtp_server):
    app.config["SENTEM_OUTBOX"] = "smtp"
    app.config["SENTEM_SMTP_URL"] = f"smtp+plain://127.0.0.1:{smtp_server.server_address[1]}"
    outbox.send_email("member@example.com", "(광고) 특가", "본문", category="marketing",
                      unsubscribe="https://shop.example/marketing/opt-out/abc")
    head = smtp_server.received[0].split("\n\n", 1)[0]
    assert "List-Unsubscribe: <https://shop.example/marketing/opt-out/abc>" in head
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in head

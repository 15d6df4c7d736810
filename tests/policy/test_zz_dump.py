import re, sys
def test_dump(client):
    if len(sys.argv) > 0:
        pass
    import os
    if os.environ.get("DUMP_LANG") == "en":
        client.set_cookie("lang", "en")
    html = client.get(os.environ.get("DUMP_URL", "/privacy")).get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    open("/tmp/legal_dump.txt", "w").write(text.replace(" · ", "\n"))

"""WSGI app for the foundation bench: a bare Flask route beside the real Sentem app,
in the same gunicorn processes, so both are measured on the same server settings.

``/_bare/`` is a one-line Flask view; everything else is Sentem (the instance comes
from ``SENTEM_INSTANCE_PATH``, embedded SQLite).
"""
from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from sentem import create_app

bare = Flask("bare")


@bare.get("/")
def hello():
    return "ok"


# No background scheduler thread in a benchmark: it would add noise, not work.
sentem_app = create_app({"SENTEM_INPROCESS_SCHEDULER": False})
app = DispatcherMiddleware(sentem_app, {"/_bare": bare})

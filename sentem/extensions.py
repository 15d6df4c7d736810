"""Extension objects, unbound; ``create_app`` binds them."""
from flask_babel import Babel
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy import exc as sa_exc

# Named constraints so that Alembic migrations can alter and drop them by name.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()

# A database that does not answer (stopped, restarting, unreachable, pool exhausted), as
# opposed to a bad query: pages answer 503 with Retry-After, commands one line and status 1.
DATABASE_UNAVAILABLE = (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
                        sa_exc.TimeoutError)


def unavailable_reason(exc: BaseException) -> str:
    """The driver's first line of a database error, without the statement or its parameters
    (those may carry personal data)."""
    orig = getattr(exc, "orig", None) or exc
    first = (str(orig).strip().splitlines() or [""])[0]
    return f"{type(orig).__name__}: {first}"[:300]


def dialect_insert(model):
    """The ``insert`` construct with ``ON CONFLICT`` (PostgreSQL's or SQLite's) for the database
    ``model`` lives in."""
    name = db.session.get_bind(mapper=model.__mapper__).dialect.name
    return postgresql.insert if name == "postgresql" else sqlite.insert

"""The ASGI application for ``uvicorn examsrv.asgi:app``, configured from the environment."""

from examsrv import gc_watch
from examsrv.app import create_app

app = create_app()
gc_watch.watch()
gc_watch.settle()  # in the serving process only: tests build many apps in one process

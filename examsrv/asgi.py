"""The ASGI application for ``uvicorn examsrv.asgi:app``, configured from the environment."""

from examsrv.app import create_app

app = create_app()

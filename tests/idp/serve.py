"""``python -m tests.idp.serve``: migrates the provider's own SQLite file, registers the
product as a confidential client (``SSPF_IDP_CLIENT_ID``, ``SSPF_IDP_CLIENT_SECRET``,
``SSPF_IDP_REDIRECT_URI``, after signing out ``SSPF_IDP_POST_LOGOUT_URI``) and serves on
127.0.0.1:``SSPF_IDP_PORT`` until stopped."""

import os
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.idp.settings")


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        pass


def main():
    import django

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    Application.objects.create(
        name="SSPF",
        client_id=os.environ["SSPF_IDP_CLIENT_ID"],
        client_secret=os.environ["SSPF_IDP_CLIENT_SECRET"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=os.environ["SSPF_IDP_REDIRECT_URI"],
        post_logout_redirect_uris=os.environ.get("SSPF_IDP_POST_LOGOUT_URI", ""),
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server = make_server(
        "127.0.0.1",
        int(os.environ["SSPF_IDP_PORT"]),
        get_wsgi_application(),
        server_class=Server,
        handler_class=QuietHandler,
    )
    server.serve_forever()


if __name__ == "__main__":
    main()

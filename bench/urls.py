"""The benchmark's URLs: the product's, plus two comparisons measured beside its pages: a bare
"hello" view behind the same middleware, and viewflow's stock task views of ``CaseFlow`` (the
product replaces them with its own; they exist here only, never in the product's URLs)."""

from django.http import HttpResponse
from django.urls import path
from viewflow.workflow.flow import FlowAppViewset

from bench.config import HELLO, STOCK_INBOX
from casework.workflow.flows import CaseFlow
from project.urls import urlpatterns as product


def hello(request):
    return HttpResponse("hello")


urlpatterns = [
    path(HELLO.strip("/") + "/", hello),
    path(STOCK_INBOX.strip("/").removesuffix("inbox"), FlowAppViewset(CaseFlow).urls),
    *product,
]

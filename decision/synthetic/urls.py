"""Benchmark pages, in the URLconf only when ``DJANGO_BENCHMARK_VIEWS`` is true."""

from django.urls import path

from decision.synthetic import views

urlpatterns = [path("baseline/", views.baseline, name="bench_baseline")]

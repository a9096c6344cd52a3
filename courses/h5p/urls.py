"""Machine endpoints for the H5P player (no language prefix): see courses.h5p.views."""

from django.urls import path

from courses.h5p.views import serve_h5p_file

app_name = "h5p"

urlpatterns = [
    path(
        "packages/<uuid:key>/<path:file_path>",
        serve_h5p_file,
        {"area": "packages"},
        name="package_file",
    ),
    path(
        "libraries/<str:key>/<path:file_path>",
        serve_h5p_file,
        {"area": "libraries"},
        name="library_file",
    ),
]

from django.urls import path

from curriculum import views

app_name = "curriculum"

urlpatterns = [
    path("competencies/", views.competency_index, name="competency_index"),
    path("competencies/<str:code>/", views.competency_detail, name="competency"),
]

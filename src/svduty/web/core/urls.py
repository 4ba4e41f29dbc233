from django.contrib.auth import views as auth_views
from django.urls import path

from . import language, views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.LoginView.as_view(), name="login"),
    path("register/", views.register, name="register"),
    path("language/<str:code>/", language.switch_language, name="language"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
]

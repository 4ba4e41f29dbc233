from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.LoginView.as_view(), name="login"),
    path("register/", views.register, name="register"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
]

from django.urls import path

from core.accounts import views

urlpatterns = [
    path("accounts/register/", views.register_details, name="register_details"),
    path("accounts/register/cancel/", views.register_cancel, name="register_cancel"),
    path("accounts/signup/", views.RegisterAccountView.as_view(), name="account_signup"),
    path("accounts/registered/", views.registration_completed, name="registration_completed"),
    path("accounts/code/", views.sign_in_code, name="account_sign_in_code"),
    path("accounts/join/", views.join_council, name="account_join_council"),
    path("accounts/signed-out/", views.signed_out, name="signed_out"),
    path("account/", views.my_account, name="my_account"),
    path("account/update/", views.update_account, name="update_account"),
]

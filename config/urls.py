from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "Improvement plan administration"
admin.site.site_title = "Improvement plan admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("improvement.urls")),
]

handler400 = "config.views.bad_request"

"""Cross-app pages: the movement map and overlaps."""

app_name = "coalition"

urlpatterns = []

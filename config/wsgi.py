from django.core.wsgi import get_wsgi_application

from config.entry_points import settings_module_required

settings_module_required()
application = get_wsgi_application()

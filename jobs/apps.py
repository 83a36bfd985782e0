from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules


class JobsConfig(AppConfig):
    name = "jobs"

    def ready(self):
        # Each app registers its job kinds and periodic tasks in its own `tasks` module; the
        # consumer (`run_huey`) imports them too, but the web process must know the kinds
        # to show their labels and, in immediate mode, to run them.
        autodiscover_modules("tasks")

"""Ukrainian first: the interface is in Ukrainian unless the person chose another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a resident whose
phone is set to English (or a kiosk browser) would get an English page by accident. Here
only an explicit choice (the language switch, stored in the cookie) changes the language.
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class UkrainianFirstLocaleMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

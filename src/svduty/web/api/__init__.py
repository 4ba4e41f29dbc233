"""svduty's one JSON API, ``/api/v1/`` (django-ninja; why in docs/architecture.md).

How a domain adds endpoints — no edit of this package needed:

* write ``svduty/web/<app>/api.py`` with ``router = Router(tags=[...])`` and ``API_PREFIX = "/things/"``;
  ``svduty.web.api.core`` imports every installed svduty app's ``api`` module and mounts its router at the prefix;
* authenticate with ``auth=STAFF_AUTH`` (a signed-in user: bearer token or session with CSRF) or
  ``auth=PUBLIC_AUTH`` (anyone; the anonymous user gets the public view) — ``api_user(request)`` gives the user;
* decide access with the app's own ``permissions.py`` functions, the same ones the pages call; an object the user
  may not see answers 404 (``get_visible_or_404``), an action they may not take 403;
* list endpoints use ``@paginate(PageNumberPagination)`` — or ``api.pagination.PageNumbers``, which caps the page
  number (an unbounded one can overflow PostgreSQL's OFFSET: a 500);
* every operation appears in a ``tests/web/test_api*.py`` permission table as the string ``"METHOD /api/v1/path/"``
  (``tests/web/test_api.py::test_every_operation_is_in_a_permission_table`` checks it).
"""

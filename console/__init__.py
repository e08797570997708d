"""The officers' web console: review, approval, stations, supervision and audit in the browser.

A FastAPI application with server-rendered Jinja templates and one static stylesheet (no
front-end build). Every page checks the signed-in user's roles; every action goes through the
same stage services as the ``paspor`` command (``flows.stages``), and resumes the
application's suspended flow run after the decision is committed. ``console.app.create_app``
builds it; ``paspor console`` serves it on 127.0.0.1:8000.
"""

"""The JSON API's blueprint with every route on it: importing the route modules puts their
routes on ``blueprint.bp``, so register the ``bp`` of this module."""

from assessment.api import assessments, organisations
from assessment.api.blueprint import bp

__all__ = ["assessments", "bp", "organisations"]

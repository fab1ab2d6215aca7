from flask import Blueprint

bp = Blueprint("defis", __name__)

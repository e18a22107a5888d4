# The orggraph API (and CLI). docker-compose.yml runs it next to Neo4j 5.26.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# graphviz renders the diagrams; DejaVu gives it fonts with Norwegian letters (æ ø å)
RUN apt-get update \
    && apt-get install -y --no-install-recommends graphviz fonts-dejavu \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY . .
RUN pip install -c constraints.txt . \
    && useradd --system --create-home --home-dir /home/orggraph orggraph

USER orggraph
WORKDIR /home/orggraph
EXPOSE 8000
CMD ["orggraph", "serve", "--host", "0.0.0.0"]

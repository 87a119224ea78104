// Generated from docs/openapi.yaml (a test checks that the two agree): the document the
// server serves at /openapi.yaml, built in so the binary needs no resource files.
enum OpenAPIDocument {
    static let yaml = #"""
openapi: 3.1.0
info:
  title: Mixdown
  version: 0.2.0
  summary: Script-to-audio production as a service.
  description: |
    Render productions (a script with sections, a sound template, mastering and formats) to
    finished audio. Every route but /health and /openapi.yaml needs an API key, sent as
    `Authorization: Bearer KEY` or `x-api-key: KEY`; a key sees only its own jobs and media.
    Errors are `{"error": {"code", "message", "path"}}`, `path` being the key path into the
    body (or file:line:col in its script) where there is one.
  license:
    name: GPL-3.0-or-later
    identifier: GPL-3.0-or-later
servers:
  - url: http://127.0.0.1:8080
security:
  - bearer: []
  - apiKey: []
paths:
  /health:
    get:
      summary: Liveness.
      security: []
      responses:
        "200":
          description: The server is up.
          content:
            application/json:
              schema:
                type: object
                required: [status]
                properties:
                  status: { type: string, const: ok }
  /openapi.yaml:
    get:
      summary: This document.
      security: []
      responses:
        "200":
          description: The OpenAPI 3.1 document.
          content:
            application/yaml:
              schema: { type: string }
  /metrics:
    get:
      summary: Prometheus metrics (jobs by state, queue age, render seconds, requests).
      responses:
        "200":
          description: Prometheus text format 0.0.4.
          content:
            text/plain:
              schema: { type: string }
        "401": { $ref: "#/components/responses/Unauthorized" }
  /v1/templates:
    get:
      summary: The server's sound templates.
      responses:
        "200":
          description: Every template with its segments and effects.
          content:
            application/json:
              schema:
                type: array
                items: { $ref: "#/components/schemas/Template" }
        "401": { $ref: "#/components/responses/Unauthorized" }
  /v1/voices:
    get:
      summary: The voices of the in-process engine.
      responses:
        "200":
          description: Every voice.
          content:
            application/json:
              schema:
                type: array
                items: { $ref: "#/components/schemas/Voice" }
        "401": { $ref: "#/components/responses/Unauthorized" }
  /v1/media:
    post:
      summary: Upload an audio file for productions to use as media.
      parameters:
        - name: name
          in: query
          required: false
          schema: { type: string, pattern: "^[A-Za-z0-9._-]{1,100}$" }
      requestBody:
        required: true
        content:
          audio/*:
            schema: { type: string, contentMediaType: audio/* }
          application/octet-stream:
            schema: { type: string, contentMediaType: application/octet-stream }
      responses:
        "201":
          description: Stored and decoded.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Media" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "415": { $ref: "#/components/responses/Invalid" }
        "422": { $ref: "#/components/responses/Invalid" }
  /v1/productions:
    post:
      summary: Queue a production.
      description: |
        The body is a production as a production file holds it, with `scriptText` (not
        `scriptFile`), media as uploaded ids (`"mediaFiles": {"jingle": {"media": "ID"}}`), a
        template of the server's by name, a speech engine by the name the operator configured,
        and optionally `"webhook": {"url": …}`. Everything that needs no speech is checked
        before the job is queued.
      parameters:
        - name: Idempotency-Key
          in: header
          required: false
          schema: { type: string, minLength: 1, maxLength: 200 }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Production" }
      responses:
        "202":
          description: Queued (or, for a repeated Idempotency-Key, the job it made).
          headers:
            Location: { schema: { type: string } }
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Accepted" }
        "400": { $ref: "#/components/responses/Invalid" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "422": { $ref: "#/components/responses/Invalid" }
        "429": { $ref: "#/components/responses/TooMany" }
  /v1/productions/{id}:
    parameters:
      - { $ref: "#/components/parameters/id" }
    get:
      summary: A job's status, report and outputs.
      responses:
        "200":
          description: The job.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Status" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
    delete:
      summary: Cancel a queued or running job and delete its files.
      responses:
        "200":
          description: The job as it is now.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Status" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
  /v1/productions/{id}/report:
    parameters:
      - { $ref: "#/components/parameters/id" }
    get:
      summary: The render report (where every section and item landed, in samples).
      responses:
        "200":
          description: The report.
          content:
            application/json:
              schema: { type: object }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
  /v1/productions/{id}/outputs/{endFormat}:
    parameters:
      - { $ref: "#/components/parameters/id" }
      - name: endFormat
        in: path
        required: true
        schema: { type: string }
    get:
      summary: One delivered file (Range requests served).
      parameters:
        - name: Range
          in: header
          required: false
          schema: { type: string }
      responses:
        "200":
          description: The file.
          content:
            audio/*:
              schema: { type: string, contentMediaType: audio/* }
        "206":
          description: The requested byte range.
          content:
            audio/*:
              schema: { type: string, contentMediaType: audio/* }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
        "416": { $ref: "#/components/responses/Invalid" }
  /v1/batches:
    post:
      summary: Queue one job per row of variables.
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [production, rows]
              additionalProperties: false
              properties:
                production: { $ref: "#/components/schemas/Production" }
                rows:
                  type: array
                  minItems: 1
                  maxItems: 10000
                  items:
                    type: object
                    additionalProperties: { type: string }
      responses:
        "202":
          description: Queued.
          content:
            application/json:
              schema:
                type: object
                required: [id, jobs]
                properties:
                  id: { type: string }
                  jobs: { type: array, items: { type: string } }
        "400": { $ref: "#/components/responses/Invalid" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "422": { $ref: "#/components/responses/Invalid" }
        "429": { $ref: "#/components/responses/TooMany" }
  /v1/batches/{id}:
    parameters:
      - { $ref: "#/components/parameters/id" }
    get:
      summary: A batch summed up.
      responses:
        "200":
          description: Its jobs by state.
          content:
            application/json:
              schema:
                type: object
                required: [id, status, progress, counts, jobs]
                properties:
                  id: { type: string }
                  status: { type: string, enum: [queued, running, succeeded, failed, cancelled] }
                  progress: { type: number, minimum: 0, maximum: 1 }
                  counts: { type: object, additionalProperties: { type: integer } }
                  jobs: { type: array, items: { type: string } }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
components:
  securitySchemes:
    bearer:
      type: http
      scheme: bearer
    apiKey:
      type: apiKey
      in: header
      name: x-api-key
  parameters:
    id:
      name: id
      in: path
      required: true
      schema: { type: string }
  responses:
    Unauthorized:
      description: No key, or a key that is unknown or revoked.
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
    NotFound:
      description: No such resource for this key.
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
    Invalid:
      description: The request cannot be done as sent; `path` says where.
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
    TooLarge:
      description: The body is larger than the route takes.
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
    TooMany:
      description: The key has its most jobs queued or running.
      headers:
        Retry-After: { schema: { type: string } }
      content:
        application/json:
          schema: { $ref: "#/components/schemas/Error" }
  schemas:
    Error:
      type: object
      required: [error]
      properties:
        error:
          type: object
          required: [code, message]
          properties:
            code: { type: string }
            message: { type: string }
            path: { type: string }
    Production:
      type: object
      description: A production (docs/script-and-production.md), as the API takes it.
      properties:
        scriptText: { type: string }
        voice: { type: string }
        soundTemplate: { type: string }
        endFormat:
          oneOf:
            - { type: string }
            - { type: array, items: { type: string } }
        webhook:
          type: object
          required: [url]
          properties:
            url: { type: string, format: uri }
    Accepted:
      type: object
      required: [id, status]
      properties:
        id: { type: string }
        status: { type: string, enum: [queued, running, succeeded, failed, cancelled] }
    Status:
      type: object
      required: [id, status, progress, error, report, outputs]
      properties:
        id: { type: string }
        status: { type: string, enum: [queued, running, succeeded, failed, cancelled] }
        progress: { type: number, minimum: 0, maximum: 1 }
        error:
          oneOf:
            - type: "null"
            - type: object
              required: [code, message]
              properties:
                code: { type: string }
                message: { type: string }
                path: { type: string }
        report:
          oneOf:
            - type: "null"
            - type: object
        outputs:
          type: array
          items:
            type: object
            required: [endFormat, url, bytes]
            properties:
              endFormat: { type: string }
              url: { type: string }
              bytes: { type: integer }
        batch: { type: string }
    Media:
      type: object
      required: [id, name, sampleRate, channels, durationSamples]
      properties:
        id: { type: string }
        name: { type: string }
        sampleRate: { type: integer }
        channels: { type: integer }
        durationSamples: { type: integer }
    Template:
      type: object
      required: [name, segments, effects]
      properties:
        name: { type: string }
        segments: { type: array, items: { type: string } }
        effects: { type: array, items: { type: string } }
    Voice:
      type: object
      required: [name, identifier, languages, gender, engine]
      properties:
        name: { type: string }
        identifier: { type: string }
        languages: { type: array, items: { type: string } }
        gender: { type: [string, "null"] }
        engine: { type: string }
"""#
}

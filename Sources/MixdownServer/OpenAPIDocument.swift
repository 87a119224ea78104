// Generated from docs/openapi.yaml by scripts/openapi-swift.sh (a test checks that the two
// agree): the document the server serves at /openapi.yaml, built in so the binary needs no
// resource files.
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
      operationId: health
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
      operationId: openapiDocument
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
      operationId: metrics
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
      operationId: listTemplates
      summary: The server's sound templates and the key's own, searchable by tags.
      description: |
        The key's own templates (`scope: key`) and the server's (`scope: server`). `mood`,
        `genre` and `instrument` search the tags, without regard to case; each value given
        (each may be repeated) must be one of the template's tags of that kind. A search that
        matches nothing answers an empty list.
      parameters:
        - { name: mood, in: query, required: false, schema: { type: string } }
        - { name: genre, in: query, required: false, schema: { type: string } }
        - { name: instrument, in: query, required: false, schema: { type: string } }
      responses:
        "200":
          description: Every template found, with its segments and effects.
          content:
            application/json:
              schema:
                type: array
                items: { $ref: "#/components/schemas/Template" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "422": { $ref: "#/components/responses/Invalid" }
    post:
      operationId: addTemplate
      summary: Add a template only this key sees and uses, from a zip of its folder.
      description: |
        The body is the template folder zipped (its files at the root of the archive or in one
        folder), stored or deflated entries. The archive is checked (no absolute or `..`
        paths, no links, no encryption, at most 200 entries and 64 MB unpacked) and the
        template validated (manifest, files, loop points, the main loop's loudness) before it
        is kept; a refusal names the entry, file or manifest key path in `path`. A name that
        is one of the server's templates, or one the key already has (without
        `replace=true`), is refused with 409.
      parameters:
        - name: name
          in: query
          required: true
          schema: { type: string, pattern: "^[A-Za-z0-9_-][A-Za-z0-9._-]{0,63}$" }
        - { name: replace, in: query, required: false, schema: { type: boolean } }
      requestBody:
        required: true
        content:
          application/zip:
            schema: { type: string, contentMediaType: application/zip }
          application/octet-stream:
            schema: { type: string, contentMediaType: application/octet-stream }
      responses:
        "201":
          description: Added; the template as listed, and the checks' warnings (a main loop far from -18 LUFS).
          content:
            application/json:
              schema:
                type: object
                required: [template, warnings]
                properties:
                  template: { $ref: "#/components/schemas/Template" }
                  warnings: { type: array, items: { type: string } }
        "400": { $ref: "#/components/responses/Invalid" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "409": { $ref: "#/components/responses/Invalid" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "415": { $ref: "#/components/responses/Invalid" }
        "422": { $ref: "#/components/responses/Invalid" }
  /v1/templates/{name}:
    parameters:
      - { name: name, in: path, required: true, schema: { type: string } }
    delete:
      operationId: removeTemplate
      summary: Remove one of the key's own templates.
      responses:
        "204": { description: Removed. }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
  /v1/voices:
    get:
      operationId: listVoices
      summary: The server's voices (Piper neural voices, then espeak-ng's).
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
    get:
      operationId: listMedia
      summary: The key's media, newest first.
      responses:
        "200":
          description: Every upload of this key (at most 1,000).
          content:
            application/json:
              schema:
                type: object
                required: [media]
                properties:
                  media: { type: array, items: { $ref: "#/components/schemas/Media" } }
        "400": { $ref: "#/components/responses/Invalid" }
        "401": { $ref: "#/components/responses/Unauthorized" }
    post:
      operationId: uploadMedia
      summary: Upload an audio file for productions to use as media, or a JPEG or PNG cover (`metadata.coverImage`).
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
          image/jpeg:
            schema: { type: string, contentMediaType: image/jpeg }
          image/png:
            schema: { type: string, contentMediaType: image/png }
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
  /v1/account/webhook-secret:
    get:
      operationId: getWebhookSecret
      summary: The key's webhook signing secret (made on first use).
      responses:
        "200":
          description: The secret that signs this key's webhooks (`Mixdown-Signature`).
          content:
            application/json:
              schema: { $ref: "#/components/schemas/WebhookSecret" }
        "401": { $ref: "#/components/responses/Unauthorized" }
    post:
      operationId: rotateWebhookSecret
      summary: Replace the key's webhook signing secret; deliveries from now on use the new one.
      responses:
        "200":
          description: The new secret.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/WebhookSecret" }
        "401": { $ref: "#/components/responses/Unauthorized" }
  /v1/media/{id}:
    parameters:
      - { $ref: "#/components/parameters/id" }
    get:
      operationId: getMedia
      summary: One of the key's media.
      responses:
        "200":
          description: The upload.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Media" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
    delete:
      operationId: deleteMedia
      summary: Remove one of the key's media and its file.
      responses:
        "204": { description: Removed. }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409":
          description: A queued or running job of the key uses it.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Error" }
  /v1/productions:
    get:
      operationId: listProductions
      summary: The key's jobs (productions, batch rows and masters), newest first.
      parameters:
        - { name: limit, in: query, required: false, schema: { type: integer, minimum: 1, maximum: 200, default: 50 } }
        - name: after
          in: query
          required: false
          description: The last id of a page (its `next`); the jobs that follow it.
          schema: { type: string }
      responses:
        "200":
          description: The jobs, without their reports.
          content:
            application/json:
              schema:
                type: object
                required: [jobs]
                properties:
                  jobs:
                    type: array
                    items:
                      type: object
                      required: [id, kind, status, progress, created, outputs]
                      properties:
                        id: { type: string }
                        kind: { type: string, enum: [production, master] }
                        status: { type: string, enum: [queued, running, succeeded, failed, cancelled, deleted] }
                        progress: { type: number, minimum: 0, maximum: 1 }
                        created: { type: number, description: Unix seconds. }
                        finished: { type: number }
                        batch: { type: string }
                        outputs: { type: array, items: { $ref: "#/components/schemas/Output" } }
                  next: { type: string, description: "`after` for the next page; absent on the last." }
        "400": { $ref: "#/components/responses/Invalid" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
    post:
      operationId: createProduction
      summary: Queue a production.
      description: |
        The body is a production as a production file holds it, with `scriptText` (not
        `scriptFile`), media as uploaded ids (`"mediaFiles": {"jingle": {"media": "ID"}}`), a
        template of the server's by name, a speech engine by the name the operator configured,
        and optionally `"webhook": {"url": …}`. Everything that needs no speech is checked
        before the job is queued. With `strict=true` every warning is an error: those found
        before any speech (an unused variable, segments without a template) are a 422 here;
        the others fail the job with the warning's code, nothing written.
      parameters:
        - { name: strict, in: query, required: false, schema: { type: boolean } }
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
        "200":
          description: "Answered by the result cache (an earlier identical production of this key): the job, finished, with `cached: true`."
          headers:
            Location: { schema: { type: string } }
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Status" }
        "202":
          description: Queued (or, for a repeated Idempotency-Key, the job it made).
          headers:
            Location: { schema: { type: string } }
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Accepted" }
          links:
            status: { operationId: getProduction, parameters: { id: "$response.body#/id" } }
            report: { operationId: getReport, parameters: { id: "$response.body#/id" } }
            reportPage: { operationId: getReportPage, parameters: { id: "$response.body#/id" } }
            cancel: { operationId: cancelProduction, parameters: { id: "$response.body#/id" } }
        "400": { $ref: "#/components/responses/Invalid" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "422": { $ref: "#/components/responses/Invalid" }
        "429": { $ref: "#/components/responses/TooMany" }
  /v1/plan:
    post:
      operationId: planProduction
      summary: A production's timeline before rendering it.
      description: |
        The body is a production as for `POST /v1/productions`. Answers at once with what
        `mixdown plan --json` prints: each section's start and end, `contentSamples`,
        `spanSamples` and `slackSamples` (negative when its copy overflows its span, with the
        warning saying how `overflow` fits it), the tail, the music and the warnings. The
        boundaries are the render's, sample for sample: speech not yet in the server's speech
        cache is synthesised into it, so the render that follows speaks the same clips. With
        `estimate=true` nothing is spoken (lengths estimated from the text, `"estimated": true`).
        With `strict=true` any warning is a 422 with the warning's code.
      parameters:
        - { name: estimate, in: query, required: false, schema: { type: boolean } }
        - { name: strict, in: query, required: false, schema: { type: boolean } }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Production" }
      responses:
        "200":
          description: The plan.
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Plan" }
        "400": { $ref: "#/components/responses/Invalid" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "422": { $ref: "#/components/responses/Invalid" }
  /v1/validate:
    post:
      operationId: validateProduction
      summary: Every check a render makes before speaking, answered at once.
      description: |
        The body is a production as for `POST /v1/productions`. Checks the script, names,
        media, template, voices, timing, formats and tags without speaking or writing
        anything, so an editor can call it as its user types. A refusal is the usual error,
        and the same again in `errors[]` with the script's `line` and `column` when the mistake
        is in the script. With `strict=true` a warning found before speech is a refusal too.
        With `verdict=body` a refusal is answered 200 as well, with `"valid": false` (a browser
        logs every 4xx as a console error; a mistake being typed is none of the page's).
      parameters:
        - { name: strict, in: query, required: false, schema: { type: boolean } }
        - { name: verdict, in: query, required: false, schema: { type: string, enum: [status, body], default: status } }
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Production" }
      responses:
        "200":
          description: Valid, with what a render would warn about before speaking; or, with `verdict=body`, not valid (as the 422).
          content:
            application/json:
              schema:
                type: object
                required: [valid]
                properties:
                  valid: { type: boolean }
                  warnings: { type: array, items: { type: object } }
                  error:
                    type: object
                    required: [code, message]
                    properties:
                      code: { type: string }
                      message: { type: string }
                      path: { type: string }
                  errors:
                    type: array
                    items:
                      type: object
                      required: [code, message]
                      properties:
                        code: { type: string }
                        message: { type: string }
                        path: { type: string }
                        line: { type: integer, minimum: 1 }
                        column: { type: integer, minimum: 1 }
        "400": { $ref: "#/components/responses/Invalid" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "422":
          description: Not valid; `errors[]` places the mistake.
          content:
            application/json:
              schema:
                type: object
                required: [valid, error, errors]
                properties:
                  valid: { type: boolean, const: false }
                  error:
                    type: object
                    required: [code, message]
                    properties:
                      code: { type: string }
                      message: { type: string }
                      path: { type: string }
                  errors:
                    type: array
                    items:
                      type: object
                      required: [code, message]
                      properties:
                        code: { type: string }
                        message: { type: string }
                        path: { type: string }
                        line: { type: integer, minimum: 1 }
                        column: { type: integer, minimum: 1 }
  /v1/templates/{name}/preview:
    parameters:
      - { name: name, in: path, required: true, schema: { type: string } }
    get:
      operationId: previewTemplate
      summary: 12 s of a template's bed, mastered as a production is (MP3).
      description: Rendered the first time it is asked for and kept until the template's files change.
      responses:
        "200": { $ref: "#/components/responses/Preview" }
        "206": { $ref: "#/components/responses/PreviewRange" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
        "416": { $ref: "#/components/responses/Invalid" }
  /v1/voices/{id}/preview:
    parameters:
      - { name: id, in: path, required: true, schema: { type: string } }
    get:
      operationId: previewVoice
      summary: A voice saying a sentence in its language (MP3).
      description: Rendered the first time it is asked for and kept (per voice and engine version).
      responses:
        "200": { $ref: "#/components/responses/Preview" }
        "206": { $ref: "#/components/responses/PreviewRange" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
        "416": { $ref: "#/components/responses/Invalid" }
  /v1/master:
    post:
      operationId: createMaster
      summary: Queue the mastering of a finished mix.
      description: |
        The body is the mix (any audio file the media upload takes); the settings are query
        parameters. Unknown parameters are refused, and every setting is checked before the
        body is stored. The mix is kept as the key's media and a job like a production's is
        queued: poll `/v1/productions/{id}`, download `/v1/productions/{id}/outputs/{endFormat}`;
        its report is the mastering report (input and output analysis, warnings).
      parameters:
        - name: preset
          in: query
          required: false
          schema: { type: string, enum: [streaming, loud, reference], default: streaming }
        - name: reference
          in: query
          required: false
          description: With `preset=reference`, the media id of the track to match (this key's upload).
          schema: { type: string }
        - name: loudnessPreset
          in: query
          required: false
          schema: { type: string, enum: [streaming, podcast, ebu-r128, broadcast, atsc-a85] }
        - name: targetLufs
          in: query
          required: false
          schema: { type: number, minimum: -70, maximum: 0 }
        - name: truePeak
          in: query
          required: false
          schema: { type: number, minimum: -20, maximum: 0 }
        - name: endFormat
          in: query
          required: false
          description: Repeated (or comma-separated); `wav` when absent.
          schema: { type: array, items: { $ref: "#/components/schemas/EndFormat" } }
          style: form
          explode: true
        - name: cleanup
          in: query
          required: false
          description: Clean the mix before mastering it (docs/cleanup.md) — `true` for the standard settings, or a JSON object of denoise, dehum, level, trimPauses, declick.
          schema: { type: string }
        - name: name
          in: query
          required: false
          schema: { type: string, pattern: "^[A-Za-z0-9._-]{1,100}$" }
        - name: Idempotency-Key
          in: header
          required: false
          schema: { type: string, minLength: 1, maxLength: 200 }
      requestBody:
        required: true
        content:
          audio/*:
            schema: { type: string, contentMediaType: audio/* }
          application/octet-stream:
            schema: { type: string, contentMediaType: application/octet-stream }
      responses:
        "202":
          description: Queued (or, for a repeated Idempotency-Key, the job it made).
          headers:
            Location: { schema: { type: string } }
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Accepted" }
          links:
            status: { operationId: getProduction, parameters: { id: "$response.body#/id" } }
            report: { operationId: getReport, parameters: { id: "$response.body#/id" } }
            reportPage: { operationId: getReportPage, parameters: { id: "$response.body#/id" } }
            cancel: { operationId: cancelProduction, parameters: { id: "$response.body#/id" } }
        "400": { $ref: "#/components/responses/Invalid" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "415": { $ref: "#/components/responses/Invalid" }
        "422": { $ref: "#/components/responses/Invalid" }
        "429": { $ref: "#/components/responses/TooMany" }
  /v1/productions/{id}:
    parameters:
      - { $ref: "#/components/parameters/id" }
    get:
      operationId: getProduction
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
      operationId: cancelProduction
      summary: Cancel a queued or running job, or delete a finished one, and delete its files.
      description: The job stays readable without outputs, with status `cancelled` (it was queued or running) or `deleted` (it had ended).
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
      operationId: getReport
      summary: The render report (where every section and item landed, in samples).
      responses:
        "200":
          description: The report.
          content:
            application/json:
              schema: { type: object }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409": { $ref: "#/components/responses/NotReady" }
  /v1/productions/{id}/report.html:
    parameters:
      - { $ref: "#/components/parameters/id" }
    get:
      operationId: getReportPage
      summary: The visual report, one self-contained page (timeline, duck, waveform, loudness, true peak, player).
      description: >
        Written when the job renders. Its player plays `outputs/{endFormat}` of the same job,
        relative to the page, by a link that carries its own `access` token (valid 12 hours:
        an audio element sends no API key); its Content-Security-Policy allows its inline
        script and style and media from this server only. The page itself opens with the
        key, or with the `access` link of the job's status (`reportPage`), for a frame or a
        new tab.
      parameters:
        - { name: access, in: query, required: false, schema: { type: string } }
      responses:
        "200":
          description: The page.
          content:
            text/html:
              schema: { type: string }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409": { $ref: "#/components/responses/NotReady" }
  /v1/productions/{id}/stems/{stem}:
    parameters:
      - { $ref: "#/components/parameters/id" }
      - name: stem
        in: path
        required: true
        schema: { type: string, enum: [speech, music, mix] }
    get:
      operationId: getStem
      summary: "One stem of a production that asked for them (`\"stems\": true`), 48 kHz float WAV (Range requests served)."
      responses:
        "200":
          description: The stem.
          content:
            audio/wav:
              schema: { type: string, contentMediaType: audio/wav }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409": { $ref: "#/components/responses/NotReady" }
  /v1/productions/{id}/captions.srt:
    parameters:
      - { $ref: "#/components/parameters/id" }
    get:
      operationId: getCaptionsSrt
      summary: "Word-timed SubRip captions of a production that asked for them (`\"captions\": \"srt\"`)."
      responses:
        "200":
          description: The captions.
          content:
            application/x-subrip:
              schema: { type: string }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409": { $ref: "#/components/responses/NotReady" }
  /v1/productions/{id}/captions.vtt:
    parameters:
      - { $ref: "#/components/parameters/id" }
    get:
      operationId: getCaptionsVtt
      summary: "Word-timed WebVTT captions of a production that asked for them (`\"captions\": \"vtt\"`)."
      responses:
        "200":
          description: The captions.
          content:
            text/vtt:
              schema: { type: string }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409": { $ref: "#/components/responses/NotReady" }
  /v1/productions/{id}/vast.xml:
    parameters:
      - { $ref: "#/components/parameters/id" }
    get:
      operationId: getVast
      summary: The production's VAST 4.2 InLine Linear audio ad (when it asked for one with `vast`).
      description: >
        Built for the request: the programme's exact `Duration`, one `MediaFile` per output. A
        MediaFile's URL is `vast.mediaBaseUrl` followed by the file's name when the production
        gives one; otherwise this server's `outputs/{endFormat}` with an `access` token of its
        own (valid 12 hours, as a report page's player link), so an ad server downloads it
        without an API key.
      responses:
        "200":
          description: The VAST document.
          content:
            application/xml:
              schema: { type: string }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "404": { $ref: "#/components/responses/NotFound" }
        "409": { $ref: "#/components/responses/NotReady" }
  /v1/productions/{id}/outputs/{endFormat}:
    parameters:
      - { $ref: "#/components/parameters/id" }
      - name: endFormat
        in: path
        required: true
        schema: { type: string }
    get:
      operationId: getOutput
      summary: One delivered file (Range requests served).
      description: >
        With an API key; or, without one, with the `access` token of the player link in a page
        served by `report.html` (that output of that job only, for 12 hours, while its key lives).
      parameters:
        - name: Range
          in: header
          required: false
          schema: { type: string }
        - name: access
          in: query
          required: false
          description: A report page's player token, used only when no API key is sent.
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
        "409": { $ref: "#/components/responses/NotReady" }
        "416": { $ref: "#/components/responses/Invalid" }
  /v1/batches:
    post:
      operationId: createBatch
      summary: Queue one job per row of variables.
      description: |
        Every row is checked before any job is queued. A row variable the script never uses is
        a warning in that job's report; with `strict=true` it (and any warning) is an error.
      parameters:
        - { name: strict, in: query, required: false, schema: { type: boolean } }
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
          links:
            summary: { operationId: getBatch, parameters: { id: "$response.body#/id" } }
            firstJob: { operationId: getProduction, parameters: { id: "$response.body#/jobs/0" } }
        "400": { $ref: "#/components/responses/Invalid" }
        "401": { $ref: "#/components/responses/Unauthorized" }
        "413": { $ref: "#/components/responses/TooLarge" }
        "422": { $ref: "#/components/responses/Invalid" }
        "429": { $ref: "#/components/responses/TooMany" }
  /v1/batches/{id}:
    parameters:
      - { $ref: "#/components/parameters/id" }
    get:
      operationId: getBatch
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
                  status: { type: string, enum: [queued, running, succeeded, failed, cancelled, deleted] }
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
    Preview:
      description: The preview.
      content:
        audio/mpeg:
          schema: { type: string, contentMediaType: audio/mpeg }
    PreviewRange:
      description: The byte range asked for.
      content:
        audio/mpeg:
          schema: { type: string, contentMediaType: audio/mpeg }
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
    NotReady:
      description: The job exists but has not succeeded (yet); `message` says its state.
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
    Plan:
      type: object
      required: [estimated, sampleRate, totalSamples, durationMs, sections, music, warnings]
      properties:
        estimated: { type: boolean }
        sampleRate: { type: integer }
        totalSamples: { type: integer }
        durationMs: { type: number }
        sections:
          type: array
          items:
            type: object
            required: [name, startSample, endSample, contentSamples, spanSamples, slackSamples, items]
            properties:
              name: { type: string }
              startSample: { type: integer }
              endSample: { type: integer }
              contentSamples: { type: integer }
              spanSamples: { type: integer }
              slackSamples: { type: integer }
              items: { type: array, items: { type: object } }
        music: { type: array, items: { type: object } }
        ending: { type: [string, "null"], enum: [outro, button, fade, null] }
        warnings: { type: array, items: { type: object } }
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
      description: |
        A production (docs/production-reference.md) as the API takes it: the script as
        `scriptText`, media as uploaded ids, the server's templates and engines by name.
        Unknown keys are refused. What a schema cannot say (the script's syntax, that a
        section, template, voice or media id exists) is checked before the job is queued,
        and answered 422 with the key path.
      required: [scriptText]
      additionalProperties: false
      properties:
        scriptText: { type: string, minLength: 1 }
        voice: { $ref: "#/components/schemas/VoiceName" }
        speed: { $ref: "#/components/schemas/Speed" }
        pitch: { type: number, minimum: 0.5, maximum: 2 }
        speechEngine: { type: string, minLength: 1, description: "The name of an engine this server configured." }
        sections:
          type: object
          additionalProperties:
            type: object
            additionalProperties: false
            properties:
              voice: { $ref: "#/components/schemas/VoiceName" }
              speed: { $ref: "#/components/schemas/Speed" }
              pitch: { type: number, minimum: 0.5, maximum: 2 }
              speechEngine: { type: string, minLength: 1 }
        soundTemplate: { type: string, minLength: 1, description: "A template of GET /v1/templates (the server's or the key's own), by name." }
        sectionProperties:
          type: object
          additionalProperties:
            type: object
            additionalProperties: false
            properties:
              endAt: { $ref: "#/components/schemas/PositiveSeconds" }
              justify: { type: string, enum: [flex-start, start, left, flex-end, end, right, centre, center, middle] }
              paddingStart: { $ref: "#/components/schemas/Seconds" }
              paddingEnd: { $ref: "#/components/schemas/Seconds" }
              fadeIn: { $ref: "#/components/schemas/Seconds" }
              fadeOut: { $ref: "#/components/schemas/Seconds" }
        timelineProperties:
          type: object
          additionalProperties: false
          properties:
            forceLength: { $ref: "#/components/schemas/PositiveSeconds" }
            speechStart: { $ref: "#/components/schemas/Seconds" }
            sectionGap: { $ref: "#/components/schemas/Seconds" }
            soundTail: { $ref: "#/components/schemas/Seconds" }
            fadeOut: { $ref: "#/components/schemas/Seconds" }
            overflow: { type: string, enum: [fit, stretch, truncate, extend, fail] }
            maxStretch: { type: number, minimum: 1, maximum: 1.5 }
            ending: { type: string, enum: [outro, button, fade] }
        forceLength: { $ref: "#/components/schemas/PositiveSeconds" }
        audience:
          oneOf:
            - { $ref: "#/components/schemas/Audience" }
            - { type: array, items: { $ref: "#/components/schemas/Audience" } }
        mediaFiles:
          type: object
          additionalProperties:
            type: object
            required: [media]
            additionalProperties: false
            properties:
              media: { type: string, minLength: 1, description: "An id POST /v1/media returned to this key." }
              role: { type: string, enum: [insert, speech] }
              cleanup:
                description: With role speech, clean the recording first (docs/cleanup.md).
                oneOf:
                  - { type: boolean }
                  - type: object
                    additionalProperties: false
                    properties:
                      denoise: { oneOf: [{ type: number, minimum: 0, maximum: 1 }, { type: boolean }] }
                      dehum: { oneOf: [{ type: string, enum: [auto] }, { type: integer, enum: [50, 60] }, { type: boolean }] }
                      level: { type: boolean }
                      trimPauses: { oneOf: [{ type: number, minimum: 0.1, maximum: 60 }, { type: boolean, enum: [false] }] }
                      declick: { type: boolean }
        masteringPreset: { type: string, enum: [balanced, voiceenhanced, musicenhanced, lightducking, heavyducking, radio] }
        loudnessPreset: { type: string, enum: [streaming, podcast, ebu-r128, broadcast, atsc-a85] }
        loudnessTarget: { type: number, minimum: -70, maximum: 0 }
        truePeak: { type: number, minimum: -20, maximum: 0 }
        strict: { type: boolean, description: "Strict delivery: every warning is an error." }
        cache: { type: boolean, description: "false: render even when the same production with the same inputs was rendered before (docs/service.md, the result cache)." }
        lexicon:
          type: array
          description: Pronunciations (docs/lexicons.md), inline entries only (the API reads no PLS files).
          items:
            type: object
            required: [grapheme]
            additionalProperties: false
            properties:
              grapheme: { type: string, minLength: 1 }
              alias: { type: string, minLength: 1 }
              phoneme: { type: string, minLength: 1 }
              alphabet: { type: string, enum: [ipa, x-espeak] }
              language: { type: string, minLength: 1 }
              voice: { $ref: "#/components/schemas/VoiceName" }
              caseSensitive: { type: boolean }
        normalise: { type: boolean, description: "false: numbers, dates, currency… go to the engine as written." }
        cast:
          type: object
          description: Named speakers, switched in the script with <<speaker::NAME>> or <as:sub speaker="NAME">.
          additionalProperties:
            type: object
            additionalProperties: false
            properties:
              voice: { $ref: "#/components/schemas/VoiceName" }
              speed: { $ref: "#/components/schemas/Speed" }
              pitch: { type: number, minimum: 0.5, maximum: 2 }
        metadata:
          description: Tags for the delivered files (docs/metadata.md); coverImage is an uploaded JPEG or PNG's media id.
          type: object
          additionalProperties: false
          properties:
            title: { type: string, maxLength: 4096 }
            artist: { type: string, maxLength: 4096 }
            album: { type: string, maxLength: 4096 }
            albumArtist: { type: string, maxLength: 4096 }
            genre: { type: string, maxLength: 4096 }
            year: { type: [string, integer] }
            track: { type: [string, integer] }
            comment: { type: string, maxLength: 4096 }
            copyright: { type: string, maxLength: 4096 }
            publisher: { type: string, maxLength: 4096 }
            language: { type: string, pattern: "^[a-z]{3}$" }
            url: { type: string, pattern: "^https?://" }
            isrc: { type: string, maxLength: 4096 }
            coverImage: { type: string }
        chapters:
          description: One chapter per section in every format that holds chapters (an m4b always has them).
          type: boolean
        stems:
          description: Speech, music and mix stems (48 kHz float WAV) at `/v1/productions/{id}/stems/{stem}`.
          type: boolean
        captions:
          description: Word-timed captions at `/v1/productions/{id}/captions.srt` or `.vtt`.
          type: string
          enum: [srt, vtt]
        vast:
          description: A VAST 4.2 document for the outputs, at `/v1/productions/{id}/vast.xml`.
          type: object
          required: [adTitle]
          additionalProperties: false
          properties:
            adTitle: { type: string, minLength: 1 }
            clickThrough: { type: string, pattern: "^https?://", maxLength: 2000 }
            mediaBaseUrl: { type: string, pattern: "^https?://", maxLength: 2000 }
        voiceFallback:
          description: Voices to speak with when the one asked for is not installed (a warning).
          oneOf:
            - { $ref: "#/components/schemas/VoiceName" }
            - { type: array, minItems: 1, items: { $ref: "#/components/schemas/VoiceName" } }
        endFormat:
          oneOf:
            - { $ref: "#/components/schemas/EndFormat" }
            - { $ref: "#/components/schemas/CustomEndFormat" }
            - { type: array, minItems: 1, items: { oneOf: [{ $ref: "#/components/schemas/EndFormat" }, { $ref: "#/components/schemas/CustomEndFormat" }] } }
        webhook:
          type: object
          description: |
            Called with the job's status when it ends, signed `Mixdown-Signature: t=…,v1=…` with the key's
            webhook secret. A URL whose host is or resolves to a loopback, private, link-local, unique-local,
            multicast or unspecified address is refused (422 at `webhook.url`) unless the operator allows it.
          required: [url]
          additionalProperties: false
          properties:
            url: { type: string, format: uri, pattern: "^[Hh][Tt][Tt][Pp][Ss]?://", maxLength: 2000 }
    VoiceName: { type: string, pattern: "^[A-Za-z0-9_+/.-]{1,40}$" }
    Speed:
      description: A factor (1 = the voice's own), or 50–300 as a percentage.
      anyOf:
        - { type: number, minimum: 0.5, maximum: 3 }
        - { type: number, minimum: 50, maximum: 300 }
    Seconds: { type: number, minimum: 0, maximum: 21600 }
    PositiveSeconds: { type: number, minimum: 0.001, maximum: 21600 }
    Audience:
      type: object
      additionalProperties: { type: [string, number, boolean] }
    EndFormat:
      type: string
      enum: [wav, wav_24, flac, ogg, opus, mp3, mp3_very_low, mp3_low, mp3_medium, mp3_high, mp3_very_high, mp3_alexa, m4a, m4a_low, m4b]
    CustomEndFormat:
      description: A custom encoding (docs/formats.md, "Custom encodings"); what its codec cannot make is a 422 naming the key.
      type: object
      required: [format]
      additionalProperties: false
      properties:
        name: { type: string, pattern: "^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$" }
        format: { type: string, enum: [mp3, aac, wav, flac, ogg, opus] }
        sampleRate: { type: integer, minimum: 8000, maximum: 192000 }
        channels: { type: integer, enum: [1, 2] }
        bitRate: { type: integer, minimum: 6, maximum: 512 }
        bitRateMode: { type: string, enum: [cbr, vbr] }
        bitDepth: { type: integer, enum: [16, 24, 32] }
    Accepted:
      type: object
      required: [id, status]
      properties:
        id: { type: string }
        status: { type: string, enum: [queued, running, succeeded, failed, cancelled, deleted] }
    Status:
      type: object
      required: [id, status, progress, error, report, outputs]
      properties:
        id: { type: string }
        status: { type: string, enum: [queued, running, succeeded, failed, cancelled, deleted] }
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
          items: { $ref: "#/components/schemas/Output" }
        batch: { type: string }
        cached: { type: boolean, const: true, description: "Answered by the result cache: the files of an earlier identical production." }
        reportPage:
          type: string
          description: The visual report by a link of its own (valid 12 hours), for a frame or a new tab; on a finished job's own status.
    Output:
      type: object
      required: [endFormat, url, bytes]
      properties:
        endFormat: { type: string }
        url: { type: string }
        bytes: { type: integer }
        file: { type: string, description: "The file's name (`audio.mp3`)." }
    WebhookSecret:
      type: object
      required: [secret]
      properties:
        secret: { type: string, pattern: "^whsec_[0-9a-f]{64}$" }
    Media:
      type: object
      description: An uploaded audio file, or a cover picture (sampleRate, channels and durationSamples 0).
      required: [id, name, sampleRate, channels, durationSamples, created]
      properties:
        id: { type: string }
        name: { type: string }
        sampleRate: { type: integer }
        channels: { type: integer }
        durationSamples: { type: integer }
        created: { type: number, description: Unix seconds. }
    Template:
      type: object
      description: Lengths and loop points are in samples at 48 kHz.
      required: [name, description, mood, genre, instruments, tempo, beatsPerBar, key, defaultSegment, sampleRate, segments, effects]
      properties:
        name: { type: string }
        description: { type: [string, "null"] }
        mood: { type: array, items: { type: string } }
        genre: { type: array, items: { type: string } }
        instruments: { type: array, items: { type: string } }
        tempo: { type: [number, "null"] }
        beatsPerBar: { type: number }
        key: { type: [string, "null"] }
        defaultSegment: { type: string }
        sampleRate: { type: integer, const: 48000 }
        segments:
          type: array
          items:
            type: object
            required: [name, lengthSamples, gainDb, playsOnce]
            properties:
              name: { type: string }
              lengthSamples: { type: integer }
              loopStartSample: { type: integer }
              loopEndSample: { type: integer }
              gainDb: { type: number }
              playsOnce: { type: boolean, description: "The outro and the button play once; the others loop." }
              lastOnsetSample: { type: integer, description: "A button's last note: from its manifest, or estimated from its audio." }
        effects:
          type: array
          items:
            type: object
            required: [name, lengthSamples, gainDb, description]
            properties:
              name: { type: string }
              lengthSamples: { type: integer }
              gainDb: { type: number }
              description: { type: [string, "null"] }
        scope: { type: string, enum: [server, key], description: "The server's template, or one this key added." }
    Voice:
      type: object
      description: "`id` is what a production's `voice` names."
      required: [id, engine, name, identifier, languages, gender, quality, sampleRate]
      properties:
        id: { type: string }
        quality: { type: string, enum: [neural, parametric, formant], description: "How the engine makes speech: neural (Piper, hibari), parametric (SVOX Pico), formant (espeak-ng)." }
        sampleRate: { type: [integer, "null"], description: "The engine's native sample rate in Hz (speech is rendered at 48 kHz)." }
        tier: { type: string, description: "A Piper model's quality tier: x_low, low, medium or high." }
        variant: { type: string, description: "An espeak-ng variant (listed once, as en-us+NAME; it combines with any espeak-ng language)." }
        name: { type: string }
        identifier: { type: string, description: "The engine's own name for the voice (hibari's voice, Pico's language, espeak-ng's identifier)." }
        languages: { type: array, items: { type: string } }
        gender: { type: [string, "null"] }
        engine: { type: string, enum: [piper, hibari, pico, kokoro-ja, espeak-ng] }
"""#
}

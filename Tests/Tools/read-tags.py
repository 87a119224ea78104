#!/usr/bin/env python3
"""Reads a delivered file's tags, cover and chapters with mutagen (independently of ffprobe
and of Mixdown's own writers) and prints them as one JSON object for the Swift tests:
{"kind", "tags": {generic name: text}, "coverSha256", "coverMime", "chapters": [[startMs, endMs|null, title]]}."""
import base64, hashlib, json, sys
import mutagen
from mutagen.flac import Picture

def main(path):
    f = mutagen.File(path)
    out = {"kind": type(f).__name__, "tags": {}, "coverSha256": None, "coverMime": None, "chapters": []}
    def cover(data, mime):
        out["coverSha256"], out["coverMime"] = hashlib.sha256(data).hexdigest(), mime
    if out["kind"] == "MP3":
        t = f.tags
        names = {"TIT2": "title", "TPE1": "artist", "TALB": "album", "TPE2": "albumArtist", "TCON": "genre", "TDRC": "year",
                 "TRCK": "track", "TCOP": "copyright", "TPUB": "publisher", "TLAN": "language", "TSRC": "isrc"}
        for frame, name in names.items():
            if frame in t: out["tags"][name] = str(t[frame].text[0])
        for key in t.keys():
            if key.startswith("COMM"): out["tags"]["comment"] = str(t[key].text[0])
            if key.startswith("WXXX"): out["tags"]["url"] = t[key].url
            if key.startswith("APIC"): cover(t[key].data, t[key].mime)
        toc = [t[k] for k in t.keys() if k.startswith("CTOC")]
        chaps = {t[k].element_id: t[k] for k in t.keys() if k.startswith("CHAP")}
        order = toc[0].child_element_ids if toc else sorted(chaps)
        for cid in order:
            c = chaps[cid]
            title = str(c.sub_frames["TIT2"].text[0]) if "TIT2" in c.sub_frames else ""
            out["chapters"].append([c.start_time, c.end_time, title])
    elif out["kind"] == "MP4":
        t = f.tags or {}
        names = {"\xa9nam": "title", "\xa9ART": "artist", "\xa9alb": "album", "aART": "albumArtist", "\xa9gen": "genre",
                 "\xa9day": "year", "\xa9cmt": "comment", "cprt": "copyright"}
        for atom, name in names.items():
            if atom in t: out["tags"][name] = str(t[atom][0])
        if "trkn" in t: out["tags"]["track"] = "%d/%d" % t["trkn"][0] if t["trkn"][0][1] else str(t["trkn"][0][0])
        if "covr" in t:
            c = t["covr"][0]
            cover(bytes(c), "image/png" if c.imageformat == c.FORMAT_PNG else "image/jpeg")
        for c in (f.chapters or []):
            out["chapters"].append([round(c.start * 1000, 3), None, c.title])
    else:  # FLAC, OggVorbis, OggOpus: Vorbis comments
        t = f.tags
        names = {"title": "title", "artist": "artist", "album": "album", "albumartist": "albumArtist", "genre": "genre",
                 "date": "year", "comment": "comment", "copyright": "copyright", "publisher": "publisher",
                 "language": "language", "contact": "url", "isrc": "isrc"}
        for key, name in names.items():
            if key in t: out["tags"][name] = t[key][0]
        if "tracknumber" in t:
            out["tags"]["track"] = t["tracknumber"][0] + ("/" + t["tracktotal"][0] if "tracktotal" in t else "")
        pictures = list(getattr(f, "pictures", []))
        for b64 in t.get("metadata_block_picture", []):
            pictures.append(Picture(base64.b64decode(b64)))
        if pictures: cover(pictures[0].data, pictures[0].mime)
        n = 1
        while "chapter%03d" % n in t:
            h, m, s = t["chapter%03d" % n][0].split(":")
            ms = round((int(h) * 3600 + int(m) * 60 + float(s)) * 1000)
            out["chapters"].append([ms, None, t.get("chapter%03dname" % n, [""])[0]])
            n += 1
    print(json.dumps(out, ensure_ascii=False))

if __name__ == "__main__":
    main(sys.argv[1])

"""Clean publishing copies (issue 12): what the Document Inspector removes before upload —
comments, revisions (accepted or refused; refused by default), hidden text, personal metadata,
thumbnails, a PDF's document information, XMP, annotations and JavaScript — reported item by
item (`service.sanitize_file`). The CLI rescans the result with the normal scan."""

/* CLibEdit: Tab completion of the word before the cursor. */
/* POSIX.1-2008 with XSI: strdup, strndup, fdopen, fchmod, O_CLOEXEC, nl_langinfo. */
#define _XOPEN_SOURCE 700
#include "CLibEdit.h"
#include "editor.h"

#include <stdlib.h>
#include <string.h>

/* Frees a NULL-terminated array of strings returned by the completion callback. */
static void cle_free_candidates(char **candidates) {
    for (size_t i = 0; candidates[i] != NULL; i++) {
        free(candidates[i]);
    }
    free(candidates);
}

/* Number of characters (not bytes) in a UTF-8 string of `length` bytes. */
static int cle_character_count(const char *text, size_t length) {
    int count = 0;
    for (size_t i = 0; i < length; i++) {
        if (((unsigned char)text[i] & 0xC0) != 0x80) {
            count += 1;
        }
    }
    return count;
}

/* Length of the longest common prefix of the candidates, on a character boundary. */
static size_t cle_common_prefix(char **candidates, size_t count) {
    size_t prefix = strlen(candidates[0]);
    for (size_t i = 1; i < count; i++) {
        size_t j = 0;
        while (j < prefix && candidates[i][j] == candidates[0][j]) {
            j++;
        }
        prefix = j;
    }
    while (prefix > 0 && ((unsigned char)candidates[0][prefix] & 0xC0) == 0x80) {
        prefix--;
    }
    return prefix;
}

/* Terminal width in columns, 80 if unknown. */
static size_t cle_columns(EditLine *el) {
    int columns = 0;
    if (el_get(el, EL_GETTC, "co", &columns, NULL) != 0 || columns <= 0) {
        return 80;
    }
    return (size_t)columns;
}

/* Prints the candidates below the line, in columns ordered top to bottom. */
static void cle_list(struct cle_editor *editor, char **candidates, size_t count) {
    size_t widest = 0;
    for (size_t i = 0; i < count; i++) {
        size_t width = (size_t)cle_character_count(candidates[i], strlen(candidates[i]));
        widest = width > widest ? width : widest;
    }
    size_t cell = widest + 2;
    size_t columns = cle_columns(editor->el) / cell;
    columns = columns == 0 ? 1 : columns;
    size_t rows = (count + columns - 1) / columns;
    FILE *out = editor->out;
    (void)fputc('\n', out);
    for (size_t row = 0; row < rows; row++) {
        for (size_t column = 0; column < columns; column++) {
            size_t index = column * rows + row;
            if (index >= count) {
                break;
            }
            (void)fputs(candidates[index], out);
            if (column + 1 < columns && index + rows < count) {
                size_t width = (size_t)cle_character_count(candidates[index],
                                                           strlen(candidates[index]));
                for (size_t pad = width; pad < cell; pad++) {
                    (void)fputc(' ', out);
                }
            }
        }
        (void)fputc('\n', out);
    }
    (void)fflush(out);
}

/*
 * The Tab binding. The word is the text after the last space or tab before
 * the cursor. One candidate replaces the word and is followed by a space;
 * several extend the word to their longest common prefix and are listed.
 */
unsigned char cle_complete(EditLine *el, int ch) {
    (void)ch;
    struct cle_editor *editor = cle_editor_of(el);
    if (editor == NULL || editor->completion == NULL) {
        return CC_REFRESH_BEEP;
    }
    const LineInfo *line = el_line(el);
    size_t length = (size_t)(line->cursor - line->buffer);
    char *before = malloc(length + 1);
    if (before == NULL) {
        return CC_ERROR;
    }
    memcpy(before, line->buffer, length);
    before[length] = '\0';
    char **candidates = editor->completion(before, editor->context);
    size_t start = length;
    while (start > 0 && before[start - 1] != ' ' && before[start - 1] != '\t') {
        start--;
    }
    const char *word = before + start;
    size_t word_length = length - start;
    size_t count = 0;
    while (candidates != NULL && candidates[count] != NULL) {
        count++;
    }
    unsigned char result = CC_REFRESH;
    if (count == 0) {
        result = CC_REFRESH_BEEP;
    } else if (count == 1) {
        if (strncmp(candidates[0], word, word_length) == 0) {
            (void)el_insertstr(el, candidates[0] + word_length);
        } else {
            el_deletestr(el, cle_character_count(word, word_length));
            (void)el_insertstr(el, candidates[0]);
        }
        (void)el_insertstr(el, " ");
    } else {
        size_t prefix = cle_common_prefix(candidates, count);
        if (prefix > word_length && strncmp(candidates[0], word, word_length) == 0) {
            char *extension = strndup(candidates[0] + word_length, prefix - word_length);
            if (extension != NULL) {
                (void)el_insertstr(el, extension);
                free(extension);
            }
        }
        cle_list(editor, candidates, count);
        result = CC_REDISPLAY;
    }
    if (candidates != NULL) {
        cle_free_candidates(candidates);
    }
    free(before);
    return result;
}

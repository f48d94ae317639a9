/* Private definitions shared by the CLibEdit sources. */
#ifndef CLIBEDIT_EDITOR_H
#define CLIBEDIT_EDITOR_H

#include "CLibEdit.h"

#include <stdio.h>

struct cle_editor {
    EditLine *el;
    History *history;
    /* The prompt returned by the prompt callback; never NULL. */
    char *prompt;
    cle_completion_function completion;
    void *context;
    /* Set by the Ctrl-C binding during a read. */
    int interrupted;
    FILE *out;
};

/* The editor that owns `el` (stored as EL_CLIENTDATA), or NULL. */
struct cle_editor *cle_editor_of(EditLine *el);

/* The Tab binding: completes the word before the cursor. */
unsigned char cle_complete(EditLine *el, int ch);

#endif /* CLIBEDIT_EDITOR_H */

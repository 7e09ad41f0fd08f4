/*
 * Collecting validation problems (SPEC §3: "every problem listed, not just
 * the first"): each one line "FILE: FIELD: VALUE what is wrong".
 */
#ifndef EB_JOB_PROBLEMS_H
#define EB_JOB_PROBLEMS_H

#include <cJSON.h>

#include "job/load.h"

/* Append one problem (formatted). */
void problems_addf(struct job_problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A value as a person reads it in a message: JSON text ("\"90x\"", 12, [..]) cut to
 * about 80 characters. Caller frees. */
char *problems_value(const cJSON *v);

/* The JSON type name of a value ("a string", "a number", ...), for "must be" messages. */
const char *problems_type(const cJSON *v);

#endif

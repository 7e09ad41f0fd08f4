/*
 * The folder results sink (SPEC §5): objects under {root}/{job_id}/, each
 * written atomically (temporary file, fsync, rename: util/atomicfile.h), and
 * create-if-absent through link(2) for claim.json.
 */
#ifndef EB_SINK_FOLDER_H
#define EB_SINK_FOLDER_H

#include "engine/sink.h"

/*
 * A sink for job_id under the folder root (created on the first write; root
 * and job_id are copied). location() is "{root}/{job_id}" with no trailing
 * slash. Paths given to the operations are relative and may not contain "..".
 * Free with s->ops->destroy(s).
 */
struct sink *sink_folder_new(const char *root, const char *job_id);

#endif

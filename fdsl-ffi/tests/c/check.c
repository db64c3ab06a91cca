/* The C ABI from C: renders samples of the datasets given as JSON specs, and walks every error path.
 *
 *   check OUT_DIR SPEC_JSON...
 *   check --memory
 *
 * For spec k: describes every part (name, role, element type, dimensions), renders samples 0, 1,
 * len/2 and len-1 one at a time, one buffer per part, into OUT_DIR/k.bin (per sample, its parts'
 * bytes in part order, each as written) and prints "k LEN PARTS CLASSES label label label label"
 * then per part " NAME:ROLE:ELEMENT:D0xD1..[+]:WRITTEN,WRITTEN,WRITTEN,WRITTEN" (+ for a bounded
 * first dimension); for samples of fixed size, renders the same indices reversed as one batch on
 * 2 threads and checks it is the same bytes, else checks that the batch is refused. Exit 0 only if
 * every check passes (tests/c_program.rs compares the files and lines with the Rust library's). */
#include "fdsl.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int failures = 0;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "check.c:%d: %s failed (last error: %s)\n", __LINE__, #cond, \
                    fdsl_last_error());                                                \
            failures++;                                                                \
        }                                                                              \
    } while (0)

/* `call` fails with `code` and a message containing `needle`. */
#define EXPECT_ERROR(call, code, needle)                                               \
    do {                                                                               \
        int got_ = (call);                                                             \
        if (got_ != (code) || strstr(fdsl_last_error(), (needle)) == NULL ||           \
            strchr(fdsl_last_error(), '\n') != NULL) {                                 \
            fprintf(stderr, "check.c:%d: %s gave %d \"%s\", expected %d with \"%s\"\n", \
                    __LINE__, #call, got_, fdsl_last_error(), (code), (needle));       \
            failures++;                                                                \
        }                                                                              \
    } while (0)

#define MAX_PARTS 8

static int render_spec(FILE *report, const char *dir, int k, const char *spec) {
    fdsl_dataset *ds = NULL;
    if (fdsl_dataset_open(spec, &ds) != FDSL_OK) {
        fprintf(stderr, "cannot open %s: %s\n", spec, fdsl_last_error());
        return 1;
    }
    CHECK(strcmp(fdsl_last_error(), "") == 0);
    uint64_t len = fdsl_dataset_len(ds);
    size_t nparts = fdsl_part_count(ds);
    CHECK(nparts >= 1 && nparts <= MAX_PARTS);
    size_t sizes[MAX_PARTS], dims[MAX_PARTS][FDSL_MAX_DIMS], ndims[MAX_PARTS];
    int bounded[MAX_PARTS], any_bounded = 0;
    for (size_t p = 0; p < nparts; p++) {
        sizes[p] = fdsl_part_size(ds, p);
        CHECK(fdsl_part_dims(ds, p, dims[p], &ndims[p], &bounded[p]) == FDSL_OK);
        size_t product = 1;
        for (size_t d = 0; d < ndims[p]; d++) product *= dims[p][d];
        size_t element = strcmp(fdsl_part_element(ds, p), "uint8") == 0     ? 1
                         : strcmp(fdsl_part_element(ds, p), "float32") == 0 ? 4
                                                                            : 8;
        CHECK(product * element == sizes[p]);
        CHECK(fdsl_part_name(ds, p) != NULL && fdsl_part_role(ds, p) != NULL);
        any_bounded |= bounded[p];
    }
    CHECK(fdsl_part_name(ds, nparts) == NULL && fdsl_part_size(ds, nparts) == 0);
    uint64_t indices[4] = {0, 1 % len, len / 2, len - 1};
    uint8_t *singles[MAX_PARTS], *batch[MAX_PARTS];
    size_t batch_lens[MAX_PARTS], written[4][MAX_PARTS];
    for (size_t p = 0; p < nparts; p++) {
        singles[p] = calloc(4, sizes[p]);
        batch[p] = calloc(4, sizes[p]);
        batch_lens[p] = 4 * sizes[p];
    }
    int64_t labels[4], batch_labels[4];
    char path[4096];
    snprintf(path, sizeof path, "%s/%d.bin", dir, k);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL);
    for (int i = 0; i < 4; i++) {
        uint8_t *outs[MAX_PARTS];
        for (size_t p = 0; p < nparts; p++) outs[p] = singles[p] + i * sizes[p];
        CHECK(fdsl_render(ds, indices[i], outs, sizes, nparts, written[i], &labels[i]) == FDSL_OK);
        for (size_t p = 0; p < nparts; p++) {
            CHECK(written[i][p] <= sizes[p] && (bounded[p] || written[i][p] == sizes[p]));
            if (f) CHECK(fwrite(outs[p], 1, written[i][p], f) == written[i][p]);
        }
    }
    if (f) fclose(f);
    uint64_t reversed[4] = {indices[3], indices[2], indices[1], indices[0]};
    if (any_bounded) {
        EXPECT_ERROR(fdsl_render_batch(ds, reversed, 4, batch, batch_lens, nparts, batch_labels, 2),
                     FDSL_ERROR_VARIABLE_SIZE, "varies in size");
    } else {
        CHECK(fdsl_render_batch(ds, reversed, 4, batch, batch_lens, nparts, batch_labels, 2) == FDSL_OK);
        for (int i = 0; i < 4; i++) {
            for (size_t p = 0; p < nparts; p++) {
                CHECK(memcmp(batch[p] + i * sizes[p], singles[p] + (3 - i) * sizes[p], sizes[p]) == 0);
            }
            CHECK(batch_labels[i] == labels[3 - i]);
        }
    }
    fprintf(report, "%d %llu %zu %llu %lld %lld %lld %lld", k, (unsigned long long)len, nparts,
            (unsigned long long)fdsl_dataset_classes(ds), (long long)labels[0], (long long)labels[1],
            (long long)labels[2], (long long)labels[3]);
    for (size_t p = 0; p < nparts; p++) {
        fprintf(report, " %s:%s:%s:", fdsl_part_name(ds, p), fdsl_part_role(ds, p), fdsl_part_element(ds, p));
        for (size_t d = 0; d < ndims[p]; d++) fprintf(report, d ? "x%zu" : "%zu", dims[p][d]);
        fprintf(report, "%s:%zu,%zu,%zu,%zu", bounded[p] ? "+" : "", written[0][p], written[1][p], written[2][p],
                written[3][p]);
    }
    fprintf(report, "\n");
    for (size_t p = 0; p < nparts; p++) {
        free(singles[p]);
        free(batch[p]);
    }
    fdsl_dataset_free(ds);
    return 0;
}

static void error_paths(void) {
    fdsl_dataset *ds = (fdsl_dataset *)&failures; /* must be reset to NULL on failure */
    EXPECT_ERROR(fdsl_dataset_open(NULL, &ds), FDSL_ERROR_NULL, "spec_json is NULL");
    CHECK(ds == NULL);
    EXPECT_ERROR(fdsl_dataset_open("{\"preset\": \"rcdb-1k\"}", NULL), FDSL_ERROR_NULL, "out is NULL");
    EXPECT_ERROR(fdsl_dataset_open("{\"preset\": ", &ds), FDSL_ERROR_SPEC, "not valid JSON");
    EXPECT_ERROR(fdsl_dataset_open("\xff\xfe", &ds), FDSL_ERROR_SPEC, "not UTF-8");
    EXPECT_ERROR(fdsl_dataset_open("{\"preset\": \"imagenet\"}", &ds), FDSL_ERROR_SPEC,
                 "unknown preset \"imagenet\"; choose fractaldb-1k");
    EXPECT_ERROR(fdsl_dataset_open("{\"preset\": \"rcdb-1k\", \"colours\": 3}", &ds), FDSL_ERROR_SPEC,
                 "unknown field `colours`");
    EXPECT_ERROR(fdsl_dataset_open("{\"preset\": \"rcdb-1k\", \"instances\": 0}", &ds), FDSL_ERROR_SPEC,
                 "instances must be between 1 and");
    EXPECT_ERROR(fdsl_dataset_open("{\"preset\": \"rcdb-1k\", \"draw\": \"patch\"}", &ds), FDSL_ERROR_SPEC,
                 "does not apply to the rcdb-1k preset");
    EXPECT_ERROR(fdsl_dataset_open("{\"preset\": \"fractaldb-1k\", \"categories_from\": \"/nonexistent\"}", &ds),
                 FDSL_ERROR_SPEC, "/nonexistent");
    CHECK(ds == NULL);

    CHECK(fdsl_dataset_open("{\"preset\": \"rcdb-1k\", \"categories\": 2, \"instances\": 3, \"size\": 32}", &ds) ==
          FDSL_OK);
    size_t size = fdsl_part_size(ds, 0);
    CHECK(size == 32 * 32 && fdsl_dataset_len(ds) == 6 && fdsl_part_count(ds) == 1);
    CHECK(strcmp(fdsl_part_name(ds, 0), "image") == 0 && strcmp(fdsl_part_role(ds, 0), "image") == 0);
    CHECK(strcmp(fdsl_part_element(ds, 0), "uint8") == 0);
    uint8_t *buf = calloc(8, size);
    uint8_t *outs[2] = {buf, buf};
    size_t one[1] = {size}, short_[1] = {size - 1}, eight[1] = {8 * size}, two[2] = {size, size};
    uint64_t indices[2] = {5, 6};
    EXPECT_ERROR(fdsl_render(ds, 6, outs, one, 1, NULL, NULL), FDSL_ERROR_INDEX, "index 6 is past the end");
    EXPECT_ERROR(fdsl_render(ds, 0, outs, short_, 1, NULL, NULL), FDSL_ERROR_BUFFER,
                 "the image buffer holds 1023 bytes; 1 sample(s) need 1024");
    EXPECT_ERROR(fdsl_render(ds, 0, outs, two, 2, NULL, NULL), FDSL_ERROR_BUFFER,
                 "2 buffers given; a sample has 1 parts");
    EXPECT_ERROR(fdsl_render(ds, 0, NULL, one, 1, NULL, NULL), FDSL_ERROR_NULL, "outs or out_lens is NULL");
    uint8_t *null_out[1] = {NULL};
    EXPECT_ERROR(fdsl_render(ds, 0, null_out, one, 1, NULL, NULL), FDSL_ERROR_NULL, "the image buffer is NULL");
    EXPECT_ERROR(fdsl_render(NULL, 0, outs, one, 1, NULL, NULL), FDSL_ERROR_NULL, "the dataset is NULL");
    CHECK(fdsl_render(ds, 5, outs, one, 1, NULL, NULL) == FDSL_OK); /* written and label may be NULL */
    EXPECT_ERROR(fdsl_render_batch(ds, indices, 2, outs, eight, 1, NULL, 1), FDSL_ERROR_INDEX, "index 6");
    EXPECT_ERROR(fdsl_render_batch(ds, indices, 1, outs, short_, 1, NULL, 1), FDSL_ERROR_BUFFER,
                 "1 sample(s) need 1024");
    EXPECT_ERROR(fdsl_render_batch(ds, NULL, 1, outs, one, 1, NULL, 1), FDSL_ERROR_NULL, "indices is NULL");
    EXPECT_ERROR(fdsl_render_batch(NULL, indices, 1, outs, one, 1, NULL, 1), FDSL_ERROR_NULL,
                 "the dataset is NULL");
    CHECK(fdsl_render_batch(ds, NULL, 0, NULL, NULL, 0, NULL, 0) == FDSL_OK); /* an empty batch */
    /* Sizes are checked before `indices` is read: a count past the 2-entry array is refused at once. */
    EXPECT_ERROR(fdsl_render_batch(ds, indices, 1000000, outs, eight, 1, NULL, 1), FDSL_ERROR_BUFFER,
                 "1000000 sample(s) need 1024000000");
    EXPECT_ERROR(fdsl_render_batch(ds, indices, SIZE_MAX, outs, eight, 1, NULL, 1), FDSL_ERROR_BUFFER,
                 "need more than memory can hold");
    EXPECT_ERROR(fdsl_render_batch(ds, indices, 1, outs, one, 1, NULL, 4000000000u), FDSL_ERROR_ARGUMENT,
                 "threads must be 0 (one per core) to 4096, not 4000000000");
    size_t dims[FDSL_MAX_DIMS], ndim = 0;
    EXPECT_ERROR(fdsl_part_dims(ds, 0, NULL, NULL, NULL), FDSL_ERROR_NULL, "dims or ndim is NULL");
    EXPECT_ERROR(fdsl_part_dims(ds, 1, dims, &ndim, NULL), FDSL_ERROR_PART, "part 1 is past the sample's 1 parts");
    CHECK(fdsl_part_dims(ds, 0, dims, &ndim, NULL) == FDSL_OK && ndim == 2 && dims[0] == 32 && dims[1] == 32);
    CHECK(fdsl_part_role(ds, 1) == NULL && fdsl_part_element(NULL, 0) == NULL && fdsl_part_count(NULL) == 0);
    CHECK(fdsl_dataset_len(NULL) == 0 && fdsl_part_size(NULL, 0) == 0 && fdsl_dataset_classes(NULL) == 0);
    free(buf);
    fdsl_dataset_free(ds);
    fdsl_dataset_free(NULL);
    CHECK(fdsl_abi_version() == FDSL_ABI_VERSION && FDSL_ABI_VERSION == 3);
    CHECK(strncmp(fdsl_version(), "fdsl ", 5) == 0);
}

/* check --memory (run under `ulimit -v`): a sample whose working buffers do not fit the address space
 * is FDSL_ERROR_MEMORY with the size in the message, and the host goes on. */
static int memory_check(void) {
    fdsl_dataset *ds = NULL;
    CHECK(fdsl_dataset_open("{\"preset\": \"af-fractals-1k\", \"categories\": 1, \"instances\": 1, "
                            "\"size\": 8192}", &ds) == FDSL_OK);
    size_t size = fdsl_part_size(ds, 0);
    uint8_t *buf = malloc(size);
    CHECK(buf != NULL);
    uint8_t *outs[1] = {buf};
    EXPECT_ERROR(fdsl_render(ds, 0, outs, &size, 1, NULL, NULL), FDSL_ERROR_MEMORY,
                 "out of memory: the working buffers of one thread (af-fractals-1k) needs");
    free(buf);
    fdsl_dataset_free(ds);
    if (!failures) printf("memory ok\n");
    return failures ? 1 : 0;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "--memory") == 0) return memory_check();
    if (argc < 2) {
        fprintf(stderr, "usage: check OUT_DIR SPEC_JSON...\n");
        return 2;
    }
    error_paths();
    for (int k = 2; k < argc; k++) {
        failures += render_spec(stdout, argv[1], k - 2, argv[k]);
    }
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

/* The C ABI from C: renders samples of the datasets given as JSON specs, and walks every error path.
 *
 *   check OUT_DIR SPEC_JSON...
 *   check --memory
 *
 * For spec k: renders samples 0, 1, len/2 and len-1 one at a time into OUT_DIR/k.bin (their bytes
 * in that order) and prints "k LEN SIZE CLASSES label label label label"; renders the same indices
 * reversed as one batch on 2 threads and checks it is the same bytes; with masks, renders each image
 * and mask apart too and checks they are the sample's two parts. Exit 0 only if every check
 * passes (tests/c_program.rs compares the files with the Rust library's bytes). */
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

static int render_spec(const char *dir, int k, const char *spec) {
    fdsl_dataset *ds = NULL;
    if (fdsl_dataset_open(spec, &ds) != FDSL_OK) {
        fprintf(stderr, "cannot open %s: %s\n", spec, fdsl_last_error());
        return 1;
    }
    CHECK(strcmp(fdsl_last_error(), "") == 0);
    uint64_t len = fdsl_dataset_len(ds);
    size_t size = fdsl_sample_size(ds);
    size_t dims[3] = {0, 0, 0}, ndim = 0;
    CHECK(fdsl_sample_dims(ds, dims, &ndim) == FDSL_OK);
    size_t product = ndim == 0 ? 0 : 1;
    for (size_t d = 0; d < ndim; d++) product *= dims[d];
    size_t mask_size = fdsl_mask_size(ds);
    int masked = fdsl_dataset_has_masks(ds);
    CHECK(masked ? mask_size == dims[0] * dims[1] : mask_size == 0);
    /* uint8 images (with their masks), float32 clouds */
    CHECK(product + mask_size == size || product * 4 == size);
    uint64_t indices[4] = {0, 1 % len, len / 2, len - 1};
    uint8_t *singles = calloc(4, size), *batch = calloc(4, size);
    int64_t labels[4], batch_labels[4];
    for (int i = 0; i < 4; i++) {
        CHECK(fdsl_render(ds, indices[i], singles + i * size, size, &labels[i]) == FDSL_OK);
    }
    if (masked) {
        size_t image_size = size - mask_size;
        uint8_t *image = malloc(image_size), *mask = malloc(mask_size);
        for (int i = 0; i < 4; i++) {
            CHECK(fdsl_render_with_mask(ds, indices[i], image, image_size, mask, mask_size) == FDSL_OK);
            CHECK(memcmp(image, singles + i * size, image_size) == 0);
            CHECK(memcmp(mask, singles + i * size + image_size, mask_size) == 0);
            CHECK(labels[i] == -1);
        }
        EXPECT_ERROR(fdsl_render_with_mask(ds, 0, image, image_size, mask, mask_size - 1), FDSL_ERROR_BUFFER,
                     "a sample needs");
        EXPECT_ERROR(fdsl_render_with_mask(ds, len, image, image_size, mask, mask_size), FDSL_ERROR_INDEX,
                     "past the end");
        EXPECT_ERROR(fdsl_render_with_mask(ds, 0, NULL, image_size, mask, mask_size), FDSL_ERROR_NULL,
                     "image or mask is NULL");
        free(image);
        free(mask);
    }
    uint64_t reversed[4] = {indices[3], indices[2], indices[1], indices[0]};
    CHECK(fdsl_render_batch(ds, reversed, 4, batch, 4 * size, batch_labels, 2) == FDSL_OK);
    for (int i = 0; i < 4; i++) {
        CHECK(memcmp(batch + i * size, singles + (3 - i) * size, size) == 0);
        CHECK(batch_labels[i] == labels[3 - i]);
    }
    char path[4096];
    snprintf(path, sizeof path, "%s/%d.bin", dir, k);
    FILE *f = fopen(path, "wb");
    CHECK(f != NULL && fwrite(singles, size, 4, f) == 4);
    if (f) fclose(f);
    printf("%d %llu %zu %llu %lld %lld %lld %lld\n", k, (unsigned long long)len, size,
           (unsigned long long)fdsl_dataset_classes(ds), (long long)labels[0], (long long)labels[1],
           (long long)labels[2], (long long)labels[3]);
    free(singles);
    free(batch);
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
    EXPECT_ERROR(fdsl_dataset_open("{\"preset\": \"pc-fractaldb-scenes\", \"categories\": 2, \"instances\": 1, "
                                   "\"points\": 100}",
                                   &ds),
                 FDSL_ERROR_VARIABLE_SIZE, "scenes vary in size");
    CHECK(ds == NULL);

    CHECK(fdsl_dataset_open("{\"preset\": \"rcdb-1k\", \"categories\": 2, \"instances\": 3, \"size\": 32}", &ds) ==
          FDSL_OK);
    size_t size = fdsl_sample_size(ds);
    CHECK(size == 32 * 32 && fdsl_dataset_len(ds) == 6);
    uint8_t *buf = calloc(8, size);
    uint64_t indices[2] = {5, 6};
    EXPECT_ERROR(fdsl_render(ds, 6, buf, size, NULL), FDSL_ERROR_INDEX, "index 6 is past the end");
    EXPECT_ERROR(fdsl_render(ds, 0, buf, size - 1, NULL), FDSL_ERROR_BUFFER, "a sample needs 1024");
    EXPECT_ERROR(fdsl_render(ds, 0, NULL, size, NULL), FDSL_ERROR_NULL, "out is NULL");
    EXPECT_ERROR(fdsl_render(NULL, 0, buf, size, NULL), FDSL_ERROR_NULL, "the dataset is NULL");
    CHECK(fdsl_render(ds, 5, buf, size, NULL) == FDSL_OK); /* label may be NULL */
    EXPECT_ERROR(fdsl_render_batch(ds, indices, 2, buf, 8 * size, NULL, 1), FDSL_ERROR_INDEX, "index 6");
    EXPECT_ERROR(fdsl_render_batch(ds, indices, 1, buf, size - 1, NULL, 1), FDSL_ERROR_BUFFER, "1 samples need");
    EXPECT_ERROR(fdsl_render_batch(ds, NULL, 1, buf, size, NULL, 1), FDSL_ERROR_NULL, "indices or out is NULL");
    EXPECT_ERROR(fdsl_render_batch(NULL, indices, 1, buf, size, NULL, 1), FDSL_ERROR_NULL, "the dataset is NULL");
    CHECK(fdsl_render_batch(ds, NULL, 0, NULL, 0, NULL, 0) == FDSL_OK); /* an empty batch */
    /* Sizes are checked before `indices` is read: a count past the 2-entry array is refused at once. */
    EXPECT_ERROR(fdsl_render_batch(ds, indices, 1000000, buf, 8 * size, NULL, 1), FDSL_ERROR_BUFFER,
                 "1000000 samples need 1024000000");
    EXPECT_ERROR(fdsl_render_batch(ds, indices, SIZE_MAX, buf, 8 * size, NULL, 1), FDSL_ERROR_BUFFER,
                 "need more than memory can hold");
    EXPECT_ERROR(fdsl_render_batch(ds, indices, 1, buf, size, NULL, 4000000000u), FDSL_ERROR_ARGUMENT,
                 "threads must be 0 (one per core) to 4096, not 4000000000");
    EXPECT_ERROR(fdsl_sample_dims(ds, NULL, NULL), FDSL_ERROR_NULL, "dims or ndim is NULL");
    /* Masks asked of a family without them. */
    CHECK(fdsl_dataset_has_masks(ds) == 0 && fdsl_mask_size(ds) == 0 && fdsl_dataset_has_masks(NULL) == 0);
    EXPECT_ERROR(fdsl_render_with_mask(ds, 0, buf, size, buf + size, size), FDSL_ERROR_NO_MASKS,
                 "the rcdb-1k preset's samples have no masks");
    CHECK(fdsl_dataset_len(NULL) == 0 && fdsl_sample_size(NULL) == 0 && fdsl_dataset_classes(NULL) == 0);
    free(buf);
    fdsl_dataset_free(ds);
    fdsl_dataset_free(NULL);
    CHECK(fdsl_abi_version() == FDSL_ABI_VERSION);
    CHECK(strncmp(fdsl_version(), "fdsl ", 5) == 0);
}

/* check --memory (run under `ulimit -v`): a sample whose working buffers do not fit the address space
 * is FDSL_ERROR_MEMORY with the size in the message, and the host goes on. */
static int memory_check(void) {
    fdsl_dataset *ds = NULL;
    CHECK(fdsl_dataset_open("{\"preset\": \"af-fractals-1k\", \"categories\": 1, \"instances\": 1, "
                            "\"size\": 8192}", &ds) == FDSL_OK);
    size_t size = fdsl_sample_size(ds);
    uint8_t *buf = malloc(size);
    CHECK(buf != NULL);
    EXPECT_ERROR(fdsl_render(ds, 0, buf, size, NULL), FDSL_ERROR_MEMORY,
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
        failures += render_spec(argv[1], k - 2, argv[k]);
    }
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

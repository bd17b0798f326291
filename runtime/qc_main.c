/*===- qc_main.c - The driver of executables compiled by QC -------*- C -*-===*
 *
 * `quant-compile model.onnx --emit=exe -o model` links this file, the model
 * and libQCModelRuntime.a into a program that runs without QC or Python:
 *
 *   ./model [--input=[name=]file.npy]... [--output-dir=DIR] [--benchmark=N]
 *           [--num-threads=N] [--seed=S] [--help]
 *
 * It reads inputs from .npy files (random values for inputs not given),
 * runs the model through the C ABI of qc_model.h, writes the outputs as
 * .npy files or prints a short summary of each, and with --benchmark times
 * more runs, as `quant-run model.so` does with the same flags. Every error
 * is reported as "error: ..." on stderr with exit status 1.
 *
 *===----------------------------------------------------------------------===*/

/* clock_gettime is POSIX, not C11. */
#define _POSIX_C_SOURCE 200809L

#include "qc/Runtime/qc_model.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* .npy files are little-endian and buffers are copied to and from them
 * byte for byte. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "qc_main.c reads and writes .npy data in the host byte order"
#endif

/* Most dimensions a .npy shape may have. */
#define QC_MAX_RANK 32
/* Values printed per output without --output-dir. */
#define QC_SUMMARY_VALUES 8
/* Alignment of tensor buffers: a cache line, as the runtime's allocator. */
#define QC_BUFFER_ALIGNMENT 64
/* .npy headers are padded so the data starts at a multiple of this. */
#define QC_NPY_ALIGNMENT 64

static const char usage_text[] =
    "usage: %s [--input=[name=]file.npy]... [--output-dir=DIR]\n"
    "          [--benchmark=N] [--num-threads=N] [--seed=S] [--help]\n"
    "\n"
    "Runs the model compiled into this program (quant-compile --emit=exe).\n"
    "\n"
    "  --input=[name=]file.npy  an input, by name or, unnamed, in order\n"
    "                           (repeatable); inputs not given get random\n"
    "                           values: uniform in [-1, 1] for floats,\n"
    "                           0 to 9 for integers\n"
    "  --output-dir=DIR         write each output as DIR/<name>.npy (default:\n"
    "                           print its first values)\n"
    "  --benchmark=N            time N more runs, print the median latency\n"
    "  --num-threads=N          threads a run uses (default: OMP_NUM_THREADS,\n"
    "                           else one per core)\n"
    "  --seed=S                 seed of the random inputs (default: 0)\n"
    "  --help                   print this and the model's signature\n"
    "\n"
    "bfloat16 tensors travel as float32 .npy files (numpy has no bfloat16).\n";

/*===----------------------------------------------------------------------===*
 * Errors
 *===----------------------------------------------------------------------===*/

#if defined(__GNUC__)
#define QC_PRINTF_FORMAT __attribute__((format(printf, 1, 2)))
#else
#define QC_PRINTF_FORMAT
#endif

/* Prints "error: <message>" and returns the exit status of a failure, so
 * that callers can `return fail(...)`. */
static int fail(const char *format, ...) QC_PRINTF_FORMAT;
static int fail(const char *format, ...) {
  va_list arguments;
  va_start(arguments, format);
  fputs("error: ", stderr);
  vfprintf(stderr, format, arguments);
  fputc('\n', stderr);
  va_end(arguments);
  return 1;
}

/*===----------------------------------------------------------------------===*
 * Element types
 *===----------------------------------------------------------------------===*/

typedef struct dtype_info {
  int32_t dtype;
  /* The numpy descr of the .npy files that carry tensors of this type. */
  const char *descr;
  /* How messages name the type: the descr, except for bfloat16, which
   * travels as float32. */
  const char *label;
} dtype_info;

static const dtype_info dtypes[] = {
    {QC_DTYPE_FLOAT32, "<f4", "<f4"},  {QC_DTYPE_FLOAT64, "<f8", "<f8"},
    {QC_DTYPE_FLOAT16, "<f2", "<f2"},  {QC_DTYPE_BFLOAT16, "<f4", "bf16"},
    {QC_DTYPE_INT8, "|i1", "|i1"},     {QC_DTYPE_UINT8, "|u1", "|u1"},
    {QC_DTYPE_INT16, "<i2", "<i2"},    {QC_DTYPE_UINT16, "<u2", "<u2"},
    {QC_DTYPE_INT32, "<i4", "<i4"},    {QC_DTYPE_UINT32, "<u4", "<u4"},
    {QC_DTYPE_INT64, "<i8", "<i8"},    {QC_DTYPE_UINT64, "<u8", "<u8"},
    {QC_DTYPE_BOOL, "|b1", "|b1"},
};

/* The entry of `dtype`; null for a type this driver does not know. */
static const dtype_info *find_dtype(int32_t dtype) {
  for (size_t i = 0; i < sizeof(dtypes) / sizeof(dtypes[0]); ++i)
    if (dtypes[i].dtype == dtype)
      return &dtypes[i];
  return NULL;
}

static size_t element_count(const qc_tensor_info *info) {
  size_t count = 1;
  for (int32_t i = 0; i < info->rank; ++i)
    count *= (size_t)info->shape[i];
  return count;
}

/* Bytes of one element in the .npy files that carry `type`. */
static size_t file_element_size(const dtype_info *type) {
  return type->dtype == QC_DTYPE_BFLOAT16 ? sizeof(float)
                                          : qc_dtype_size(type->dtype);
}

/* Prints "name: <f4[2x3]". */
static void describe(FILE *stream, const qc_tensor_info *info) {
  fprintf(stream, "%s: %s[", info->name, find_dtype(info->dtype)->label);
  for (int32_t i = 0; i < info->rank; ++i)
    fprintf(stream, "%s%lld", i ? "x" : "", (long long)info->shape[i]);
  fputc(']', stream);
}

/*===----------------------------------------------------------------------===*
 * float16 and bfloat16
 *===----------------------------------------------------------------------===*/

static uint32_t float_bits(float value) {
  uint32_t bits;
  memcpy(&bits, &value, sizeof(bits));
  return bits;
}

static float bits_float(uint32_t bits) {
  float value;
  memcpy(&value, &bits, sizeof(value));
  return value;
}

/* IEEE binary16 of `value`, rounded to nearest even (F. Giesen's
 * float_to_half_fast3_rtne). */
static uint16_t float_to_half(float value) {
  const uint32_t infinity = 255u << 23;
  /* 2^16: this and above round to infinity. */
  const uint32_t overflow = (127u + 16u) << 23;
  /* 0.5: adding it to a value below 2^-14 leaves the value's half
   * subnormal bits in the low mantissa bits, rounded to nearest even by the
   * FPU itself. */
  const uint32_t subnormal_magic = ((127u - 15u) + (23u - 10u) + 1u) << 23;
  uint32_t bits = float_bits(value);
  uint32_t sign = bits & 0x80000000u;
  bits ^= sign;
  uint16_t half;
  if (bits >= overflow) {
    half = bits > infinity ? 0x7e00 : 0x7c00;
  } else if (bits < (113u << 23)) {
    float sum = bits_float(bits) + bits_float(subnormal_magic);
    half = (uint16_t)(float_bits(sum) - subnormal_magic);
  } else {
    uint32_t odd = (bits >> 13) & 1;
    /* Rebias the exponent and round half to even. */
    bits += ((uint32_t)(15 - 127) << 23) + 0xfff + odd;
    half = (uint16_t)(bits >> 13);
  }
  return (uint16_t)(half | (sign >> 16));
}

static float half_to_float(uint16_t half) {
  uint32_t sign = (uint32_t)(half & 0x8000) << 16;
  uint32_t exponent = (half >> 10) & 0x1f;
  uint32_t mantissa = half & 0x3ff;
  if (exponent == 0x1f)
    return bits_float(sign | 0x7f800000u | (mantissa << 13));
  if (exponent == 0) {
    /* Zero or subnormal: mantissa * 2^-24, exact in float. */
    float magnitude = (float)mantissa / 16777216.0f;
    return sign ? -magnitude : magnitude;
  }
  return bits_float(sign | ((exponent + 112) << 23) | (mantissa << 13));
}

/* The high half of `value`'s bits, rounded to nearest even. */
static uint16_t float_to_bfloat16(float value) {
  uint32_t bits = float_bits(value);
  if ((bits & 0x7fffffffu) > 0x7f800000u)
    return (uint16_t)((bits >> 16) | 0x40); /* a quiet NaN */
  bits += 0x7fffu + ((bits >> 16) & 1);
  return (uint16_t)(bits >> 16);
}

static float bfloat16_to_float(uint16_t value) {
  return bits_float((uint32_t)value << 16);
}

/*===----------------------------------------------------------------------===*
 * Command line
 *===----------------------------------------------------------------------===*/

typedef struct options {
  /* The values of --input, in order (argc entries at most). */
  const char **inputs;
  size_t num_inputs;
  const char *output_dir;
  unsigned long long benchmark_runs;
  unsigned long long num_threads; /* 0: the runtime's default */
  unsigned long long seed;
  int help;
} options;

/* Parses the value of --`name` as a decimal integer in [0, max]. */
static int parse_count(const char *name, const char *text,
                       unsigned long long max, unsigned long long *value) {
  char *end = NULL;
  errno = 0;
  /* strtoull alone would accept signs and leading spaces. */
  if (*text >= '0' && *text <= '9')
    *value = strtoull(text, &end, 10);
  if (!end || *end != '\0' || errno != 0 || *value > max)
    return fail("--%s expects an integer from 0 to %llu, got '%s'", name, max,
                text);
  return 0;
}

/* Applies the flag `name` with `value` to `parsed`. */
static int set_flag(options *parsed, const char *name, const char *value) {
  if (strcmp(name, "input") == 0) {
    parsed->inputs[parsed->num_inputs++] = value;
    return 0;
  }
  if (strcmp(name, "output-dir") == 0) {
    parsed->output_dir = value;
    return 0;
  }
  if (strcmp(name, "benchmark") == 0)
    return parse_count(name, value, UINT32_MAX, &parsed->benchmark_runs);
  if (strcmp(name, "num-threads") == 0)
    return parse_count(name, value, INT32_MAX, &parsed->num_threads);
  return parse_count(name, value, UINT64_MAX, &parsed->seed);
}

/* If argv[*index] is the flag `name` ("--name=V" or "--name V", with one
 * dash or two), points `value` at V and returns 1; returns 0 for another
 * flag and -1 (reported) when V is missing. */
static int match_flag(int argc, char **argv, int *index, const char *name,
                      const char **value) {
  const char *flag = argv[*index] + 1;
  if (*flag == '-')
    ++flag;
  size_t length = strlen(name);
  if (strncmp(flag, name, length) != 0)
    return 0;
  if (flag[length] == '=') {
    *value = flag + length + 1;
    return 1;
  }
  if (flag[length] != '\0')
    return 0;
  if (*index + 1 >= argc) {
    fail("--%s expects a value", name);
    return -1;
  }
  *value = argv[++*index];
  return 1;
}

static int is_help(const char *arg) {
  return strcmp(arg, "--help") == 0 || strcmp(arg, "-help") == 0 ||
         strcmp(arg, "-h") == 0;
}

/* Fills `parsed` from the command line; 1 (reported) on a bad one. */
static int parse_options(int argc, char **argv, options *parsed) {
  static const char *const flags[] = {"input", "output-dir", "benchmark",
                                      "num-threads", "seed"};
  memset(parsed, 0, sizeof(*parsed));
  parsed->inputs = malloc(sizeof(const char *) * (size_t)(argc + 1));
  if (!parsed->inputs)
    return fail("out of memory");
  for (int i = 1; i < argc; ++i) {
    if (is_help(argv[i])) {
      parsed->help = 1;
      continue;
    }
    if (argv[i][0] != '-')
      return fail("unexpected argument '%s' (inputs are given as "
                  "--input=[name=]file.npy; see --help)",
                  argv[i]);
    const char *arg = argv[i];
    int matched = 0;
    for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]) && !matched; ++f) {
      const char *value = NULL;
      matched = match_flag(argc, argv, &i, flags[f], &value);
      if (matched < 0 || (matched && set_flag(parsed, flags[f], value)))
        return 1;
    }
    if (!matched)
      return fail("unknown option '%s' (see --help)", arg);
  }
  return 0;
}

/* Prints the lines "  name: <f4[2x3]" of each input or output. */
static void print_tensors(const char *title, size_t count,
                          const qc_tensor_info *(*tensor)(size_t)) {
  printf("%s:\n", title);
  for (size_t i = 0; i < count; ++i) {
    fputs("  ", stdout);
    describe(stdout, tensor(i));
    fputc('\n', stdout);
  }
}

static void print_usage(const char *program) {
  printf(usage_text, program);
  fputc('\n', stdout);
  print_tensors("inputs", qc_model_num_inputs(), qc_model_input);
  print_tensors("outputs", qc_model_num_outputs(), qc_model_output);
}

/*===----------------------------------------------------------------------===*
 * .npy files
 *===----------------------------------------------------------------------===*/

typedef struct npy_array {
  char descr[16];
  int fortran_order;
  int rank;
  long long shape[QC_MAX_RANK];
  const unsigned char *data; /* into the file's contents */
  size_t data_bytes;
} npy_array;

/* The whole file at `path` (null, reported, when it cannot be read); the
 * caller frees it. Reads in chunks, which works for pipes too. */
static unsigned char *read_file(const char *path, size_t *size) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    fail("cannot read '%s': %s", path, strerror(errno));
    return NULL;
  }
  size_t capacity = 1 << 16;
  unsigned char *bytes = malloc(capacity);
  *size = 0;
  while (bytes) {
    *size += fread(bytes + *size, 1, capacity - *size, file);
    if (*size < capacity)
      break;
    unsigned char *grown = realloc(bytes, capacity * 2);
    if (!grown)
      free(bytes);
    bytes = grown;
    capacity *= 2;
  }
  /* fopen succeeds on a directory; reading it fails (EISDIR). */
  int error = ferror(file) ? errno : 0;
  fclose(file);
  if (!bytes || error) {
    fail("cannot read '%s': %s", path,
         bytes ? strerror(error) : "out of memory");
    free(bytes);
    return NULL;
  }
  return bytes;
}

/* Where the value of `key` starts in a .npy header (a Python dict literal,
 * NUL-terminated), past the colon and spaces; null when absent. */
static const char *header_value(const char *header, const char *key) {
  static const char quotes[] = {'\'', '"'};
  for (size_t q = 0; q < sizeof(quotes); ++q) {
    char quoted[32];
    snprintf(quoted, sizeof(quoted), "%c%s%c", quotes[q], key, quotes[q]);
    const char *at = strstr(header, quoted);
    if (!at)
      continue;
    at += strlen(quoted);
    while (*at == ' ')
      ++at;
    if (*at++ != ':')
      return NULL;
    while (*at == ' ')
      ++at;
    return at;
  }
  return NULL;
}

/* Parses a quoted string of printable ASCII such as '<f4' into `out`
 * (messages quote it). */
static int parse_descr(const char *at, char *out, size_t capacity) {
  if (!at || (*at != '\'' && *at != '"'))
    return 0;
  size_t length = 0;
  for (const char *c = at + 1; *c != *at; ++c, ++length)
    if (*c < ' ' || *c > '~' || length + 1 >= capacity)
      return 0;
  memcpy(out, at + 1, length);
  out[length] = '\0';
  return 1;
}

/* Parses a Python tuple of non-negative integers: "()", "(3,)", "(2, 3)". */
static int parse_shape(const char *at, npy_array *array) {
  if (!at || *at++ != '(')
    return 0;
  array->rank = 0;
  for (;;) {
    while (*at == ' ')
      ++at;
    if (*at == ')')
      return 1;
    if (*at < '0' || *at > '9' || array->rank == QC_MAX_RANK)
      return 0;
    char *end;
    errno = 0;
    array->shape[array->rank++] = strtoll(at, &end, 10);
    if (errno != 0)
      return 0;
    at = end;
    while (*at == ' ')
      ++at;
    if (*at == ',')
      ++at;
    else if (*at != ')')
      return 0;
  }
}

/* Parses the header dict of a .npy file; `header` is NUL-terminated. */
static int parse_header(const char *header, const char *path,
                        npy_array *array) {
  if (!parse_descr(header_value(header, "descr"), array->descr,
                   sizeof(array->descr)))
    return fail("'%s': the .npy header has no readable 'descr'", path);
  const char *order = header_value(header, "fortran_order");
  if (!order ||
      (strncmp(order, "True", 4) != 0 && strncmp(order, "False", 5) != 0))
    return fail("'%s': the .npy header has no readable 'fortran_order'",
                path);
  array->fortran_order = strncmp(order, "True", 4) == 0;
  if (!parse_shape(header_value(header, "shape"), array))
    return fail("'%s': the .npy header has no readable 'shape' (of at most "
                "%d dimensions)",
                path, QC_MAX_RANK);
  return 0;
}

/* Parses the contents of a .npy file of version 1, 2 or 3: the magic, the
 * version, a little-endian header length of 2 bytes (version 1) or 4, the
 * header, then the data. */
static int parse_npy(const unsigned char *contents, size_t size,
                     const char *path, npy_array *array) {
  static const char magic[] = "\x93NUMPY";
  if (size < 12 || memcmp(contents, magic, 6) != 0)
    return fail("'%s' is not a .npy file", path);
  unsigned version = contents[6];
  if (version < 1 || version > 3)
    return fail("'%s': unsupported .npy version %u", path, version);
  size_t length_bytes = version == 1 ? 2 : 4;
  size_t header_start = 8 + length_bytes;
  size_t header_length = 0;
  for (size_t i = 0; i < length_bytes; ++i)
    header_length |= (size_t)contents[8 + i] << (8 * i);
  if (size - header_start < header_length)
    return fail("'%s': truncated .npy header", path);
  char *header = malloc(header_length + 1);
  if (!header)
    return fail("out of memory");
  memcpy(header, contents + header_start, header_length);
  header[header_length] = '\0';
  int status = parse_header(header, path, array);
  free(header);
  array->data = contents + header_start + header_length;
  array->data_bytes = size - header_start - header_length;
  return status;
}

/* Formats a shape as numpy does: "()", "(3,)", "(2, 3)". */
static void format_shape(char *out, size_t capacity, int rank,
                         const long long *shape) {
  size_t used = 0;
  for (int i = 0; i < rank && used < capacity; ++i)
    used += (size_t)snprintf(out + used, capacity - used, "%s%lld",
                             i ? ", " : "(", shape[i]);
  if (used < capacity)
    snprintf(out + used, capacity - used, "%s", rank == 0   ? "()"
                                                : rank == 1 ? ",)"
                                                            : ")");
}

/* The shape of `info` as long longs; ranks are at most QC_MAX_RANK (see
 * check_signature). */
static void tensor_shape(const qc_tensor_info *info, long long *shape) {
  for (int32_t i = 0; i < info->rank; ++i)
    shape[i] = (long long)info->shape[i];
}

/* Checks a .npy array against the model's input `info`. */
static int check_array(const npy_array *array, const char *path,
                       const qc_tensor_info *info) {
  const dtype_info *type = find_dtype(info->dtype);
  if (array->fortran_order)
    return fail("'%s' is in Fortran order; input '%s' needs C order (save "
                "np.ascontiguousarray(a))",
                path, info->name);
  if (strcmp(array->descr, type->descr) != 0)
    return fail("'%s' holds %s values; input '%s' expects %s", path,
                array->descr, info->name, type->descr);
  long long shape[QC_MAX_RANK];
  tensor_shape(info, shape);
  int same = array->rank == info->rank;
  for (int i = 0; same && i < array->rank; ++i)
    same = array->shape[i] == shape[i];
  if (!same) {
    char got[QC_MAX_RANK * 24 + 8], expected[QC_MAX_RANK * 24 + 8];
    format_shape(got, sizeof(got), array->rank, array->shape);
    format_shape(expected, sizeof(expected), info->rank, shape);
    return fail("'%s' has shape %s; input '%s' expects %s", path, got,
                info->name, expected);
  }
  size_t bytes = element_count(info) * file_element_size(type);
  if (array->data_bytes != bytes)
    return fail("'%s' holds %zu bytes of data; its shape needs %zu", path,
                array->data_bytes, bytes);
  return 0;
}

/* Writes `bytes` of `data` with `descr` and `info`'s shape as a version 1.0
 * .npy file. */
static int write_npy(const char *path, const char *descr,
                     const qc_tensor_info *info, const void *data,
                     size_t bytes) {
  long long shape[QC_MAX_RANK];
  tensor_shape(info, shape);
  char tuple[QC_MAX_RANK * 24 + 8];
  format_shape(tuple, sizeof(tuple), info->rank, shape);
  /* The magic, version and length take 10 bytes; spaces and a newline pad
   * the header so the data starts aligned. */
  char header[sizeof(tuple) + 64 + QC_NPY_ALIGNMENT];
  int length = snprintf(header, sizeof(header),
                        "{'descr': '%s', 'fortran_order': False, "
                        "'shape': %s, }",
                        descr, tuple);
  while ((10 + length + 1) % QC_NPY_ALIGNMENT != 0)
    header[length++] = ' ';
  header[length++] = '\n';
  unsigned char prefix[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0,
                              (unsigned char)(length & 0xff),
                              (unsigned char)(length >> 8)};
  FILE *file = fopen(path, "wb");
  if (!file)
    return fail("cannot write '%s': %s", path, strerror(errno));
  int ok = fwrite(prefix, 1, sizeof(prefix), file) == sizeof(prefix) &&
           fwrite(header, 1, (size_t)length, file) == (size_t)length &&
           fwrite(data, 1, bytes, file) == bytes;
  int error = errno;
  if (fclose(file) != 0 && ok) {
    ok = 0;
    error = errno;
  }
  return ok ? 0 : fail("cannot write '%s': %s", path, strerror(error));
}

/*===----------------------------------------------------------------------===*
 * Tensors
 *===----------------------------------------------------------------------===*/

/* The model's inputs and outputs, in buffers this driver owns. */
typedef struct buffers {
  void **inputs;
  /* The same pointers, typed for qc_model_run. */
  const void **input_views;
  void **outputs;
} buffers;

/* A buffer of at least `bytes` aligned for any vector; never null for an
 * empty tensor, which qc_model_run would reject. */
static void *allocate_buffer(size_t bytes) {
  size_t rounded = (bytes / QC_BUFFER_ALIGNMENT + 1) * QC_BUFFER_ALIGNMENT;
  return aligned_alloc(QC_BUFFER_ALIGNMENT, rounded);
}

static int allocate_buffers(buffers *tensors) {
  size_t num_inputs = qc_model_num_inputs();
  size_t num_outputs = qc_model_num_outputs();
  /* calloc: every pointer null, so free_buffers works after a failure. */
  tensors->inputs = calloc(num_inputs + 1, sizeof(void *));
  tensors->input_views = calloc(num_inputs + 1, sizeof(void *));
  tensors->outputs = calloc(num_outputs + 1, sizeof(void *));
  if (!tensors->inputs || !tensors->input_views || !tensors->outputs)
    return fail("out of memory");
  for (size_t i = 0; i < num_inputs; ++i) {
    tensors->inputs[i] =
        allocate_buffer(qc_tensor_size_in_bytes(qc_model_input(i)));
    tensors->input_views[i] = tensors->inputs[i];
    if (!tensors->inputs[i])
      return fail("out of memory for input '%s'", qc_model_input(i)->name);
  }
  for (size_t i = 0; i < num_outputs; ++i) {
    tensors->outputs[i] =
        allocate_buffer(qc_tensor_size_in_bytes(qc_model_output(i)));
    if (!tensors->outputs[i])
      return fail("out of memory for output '%s'", qc_model_output(i)->name);
  }
  return 0;
}

static void free_buffers(buffers *tensors) {
  for (size_t i = 0; tensors->inputs && i < qc_model_num_inputs(); ++i)
    free(tensors->inputs[i]);
  for (size_t i = 0; tensors->outputs && i < qc_model_num_outputs(); ++i)
    free(tensors->outputs[i]);
  free(tensors->inputs);
  free(tensors->input_views);
  free(tensors->outputs);
}

/* Copies the data of a checked .npy array into input `info`'s buffer,
 * narrowing float32 to bfloat16 for a bfloat16 input. */
static void copy_from_file(const qc_tensor_info *info, const npy_array *array,
                           void *buffer) {
  if (info->dtype != QC_DTYPE_BFLOAT16) {
    memcpy(buffer, array->data, array->data_bytes);
    return;
  }
  size_t count = element_count(info);
  for (size_t i = 0; i < count; ++i) {
    float value;
    /* The file's data need not be aligned. */
    memcpy(&value, array->data + i * sizeof(float), sizeof(float));
    ((uint16_t *)buffer)[i] = float_to_bfloat16(value);
  }
}

/* Reads input `info` from the .npy file at `path` into `buffer`. */
static int load_input(const char *path, const qc_tensor_info *info,
                      void *buffer) {
  size_t size;
  unsigned char *contents = read_file(path, &size);
  if (!contents)
    return 1;
  npy_array array;
  int status = parse_npy(contents, size, path, &array) ||
               check_array(&array, path, info);
  if (!status)
    copy_from_file(info, &array, buffer);
  free(contents);
  return status;
}

/* splitmix64 (Steele, Lea and Flood): tiny, and one seed gives the same
 * inputs on every platform. */
static uint64_t next_random(uint64_t *state) {
  uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* Uniform in [-1, 1) from the top 24 of 64 random bits, exact in float. */
static float unit_from_bits(uint64_t bits) {
  return (float)(bits >> 40) / 8388608.0f - 1.0f;
}

/* Stores a random value as element `i` of a buffer of `dtype`: uniform in
 * [-1, 1] for floats, 0 to 9 for integers (valid as indices too). */
static void store_random(int32_t dtype, void *buffer, size_t i,
                         uint64_t *state) {
  uint64_t bits = next_random(state);
  uint64_t value = bits % 10;
  switch (dtype) {
  case QC_DTYPE_FLOAT32:
    ((float *)buffer)[i] = unit_from_bits(bits);
    return;
  case QC_DTYPE_FLOAT64:
    ((double *)buffer)[i] = unit_from_bits(bits);
    return;
  case QC_DTYPE_FLOAT16:
    ((uint16_t *)buffer)[i] = float_to_half(unit_from_bits(bits));
    return;
  case QC_DTYPE_BFLOAT16:
    ((uint16_t *)buffer)[i] = float_to_bfloat16(unit_from_bits(bits));
    return;
  case QC_DTYPE_BOOL:
    ((uint8_t *)buffer)[i] = (uint8_t)(value & 1);
    return;
  }
  /* Small non-negative values have the same bits signed and unsigned. */
  switch (qc_dtype_size(dtype)) {
  case 1:
    ((uint8_t *)buffer)[i] = (uint8_t)value;
    return;
  case 2:
    ((uint16_t *)buffer)[i] = (uint16_t)value;
    return;
  case 4:
    ((uint32_t *)buffer)[i] = (uint32_t)value;
    return;
  default:
    ((uint64_t *)buffer)[i] = value;
  }
}

static void fill_random(const qc_tensor_info *info, void *buffer,
                        uint64_t *state) {
  size_t count = element_count(info);
  for (size_t i = 0; i < count; ++i)
    store_random(info->dtype, buffer, i, state);
}

/* Prints element `i` of a buffer of `dtype`. */
static void print_value(int32_t dtype, const void *buffer, size_t i) {
  switch (dtype) {
  case QC_DTYPE_FLOAT32:
    printf("%g", ((const float *)buffer)[i]);
    return;
  case QC_DTYPE_FLOAT64:
    printf("%g", ((const double *)buffer)[i]);
    return;
  case QC_DTYPE_FLOAT16:
    printf("%g", half_to_float(((const uint16_t *)buffer)[i]));
    return;
  case QC_DTYPE_BFLOAT16:
    printf("%g", bfloat16_to_float(((const uint16_t *)buffer)[i]));
    return;
  case QC_DTYPE_BOOL:
    printf("%s", ((const uint8_t *)buffer)[i] ? "true" : "false");
    return;
  case QC_DTYPE_INT8:
    printf("%d", ((const int8_t *)buffer)[i]);
    return;
  case QC_DTYPE_UINT8:
    printf("%u", (unsigned)((const uint8_t *)buffer)[i]);
    return;
  case QC_DTYPE_INT16:
    printf("%d", ((const int16_t *)buffer)[i]);
    return;
  case QC_DTYPE_UINT16:
    printf("%u", (unsigned)((const uint16_t *)buffer)[i]);
    return;
  case QC_DTYPE_INT32:
    printf("%lld", (long long)((const int32_t *)buffer)[i]);
    return;
  case QC_DTYPE_UINT32:
    printf("%llu", (unsigned long long)((const uint32_t *)buffer)[i]);
    return;
  case QC_DTYPE_INT64:
    printf("%lld", (long long)((const int64_t *)buffer)[i]);
    return;
  case QC_DTYPE_UINT64:
    printf("%llu", (unsigned long long)((const uint64_t *)buffer)[i]);
    return;
  }
}

/* Prints "y: <f4[2x3] [2, 0, 6, 0, 10, 0]", at most QC_SUMMARY_VALUES
 * values. */
static void print_summary(const qc_tensor_info *info, const void *buffer) {
  describe(stdout, info);
  size_t count = element_count(info);
  fputs(" [", stdout);
  for (size_t i = 0; i < count && i < QC_SUMMARY_VALUES; ++i) {
    fputs(i ? ", " : "", stdout);
    print_value(info->dtype, buffer, i);
  }
  if (count > QC_SUMMARY_VALUES)
    printf(", ...] (%zu values)\n", count);
  else
    fputs("]\n", stdout);
}

/* "<dir>/<name>.npy", with each '/' of the name made '_' so that every
 * output lands in `dir` ("output" for an empty name); the caller frees it. */
static char *output_path(const char *dir, const char *name) {
  const char *file = *name ? name : "output";
  size_t dir_length = strlen(dir), file_length = strlen(file);
  char *path = malloc(dir_length + file_length + 6);
  if (!path)
    return NULL;
  memcpy(path, dir, dir_length);
  path[dir_length] = '/';
  for (size_t i = 0; i < file_length; ++i)
    path[dir_length + 1 + i] = file[i] == '/' ? '_' : file[i];
  memcpy(path + dir_length + 1 + file_length, ".npy", 5);
  return path;
}

/* Writes output `info` to `path`, widening bfloat16 to float32. */
static int write_output(const char *path, const qc_tensor_info *info,
                        const void *buffer) {
  const dtype_info *type = find_dtype(info->dtype);
  if (info->dtype != QC_DTYPE_BFLOAT16)
    return write_npy(path, type->descr, info, buffer,
                     qc_tensor_size_in_bytes(info));
  size_t count = element_count(info);
  float *wide = malloc((count + 1) * sizeof(float));
  if (!wide)
    return fail("out of memory for output '%s'", info->name);
  for (size_t i = 0; i < count; ++i)
    wide[i] = bfloat16_to_float(((const uint16_t *)buffer)[i]);
  int status = write_npy(path, type->descr, info, wide, count * sizeof(float));
  free(wide);
  return status;
}

/*===----------------------------------------------------------------------===*
 * Running the model
 *===----------------------------------------------------------------------===*/

/* Checks that this driver handles every input and output of the model. */
static int check_signature(void) {
  for (size_t i = 0; i < qc_model_num_inputs() + qc_model_num_outputs(); ++i) {
    int input = i < qc_model_num_inputs();
    const qc_tensor_info *info =
        input ? qc_model_input(i) : qc_model_output(i - qc_model_num_inputs());
    if (!find_dtype(info->dtype))
      return fail("%s '%s' has element type %d, which this driver does not "
                  "support",
                  input ? "input" : "output", info->name, (int)info->dtype);
    if (info->rank < 0 || info->rank > QC_MAX_RANK)
      return fail("%s '%s' has %d dimensions; this driver supports %d",
                  input ? "input" : "output", info->name, (int)info->rank,
                  QC_MAX_RANK);
  }
  return 0;
}

/* The index of the input named by the first `length` characters of
 * `name`; the number of inputs when none is. */
static size_t find_input(const char *name, size_t length) {
  size_t count = qc_model_num_inputs();
  for (size_t i = 0; i < count; ++i) {
    const char *candidate = qc_model_input(i)->name;
    if (strlen(candidate) == length && strncmp(candidate, name, length) == 0)
      return i;
  }
  return count;
}

static int fail_unknown_input(const char *name, size_t length) {
  fprintf(stderr, "error: the model has no input '%.*s' (its inputs:",
          (int)length, name);
  for (size_t i = 0; i < qc_model_num_inputs(); ++i)
    fprintf(stderr, "%s %s", i ? "," : "", qc_model_input(i)->name);
  fputs(qc_model_num_inputs() ? ")\n" : " none)\n", stderr);
  return 1;
}

/* Sets paths[i] to the file of input i from the --input flags ("name=path"
 * by name, "path" in order), null for inputs not given. */
static int assign_inputs(const options *parsed, const char **paths) {
  size_t count = qc_model_num_inputs(), next_unnamed = 0;
  for (size_t s = 0; s < parsed->num_inputs; ++s) {
    const char *spec = parsed->inputs[s];
    const char *equals = strchr(spec, '=');
    if (!equals) {
      while (next_unnamed < count && paths[next_unnamed])
        ++next_unnamed;
      if (next_unnamed == count)
        return fail("more inputs given than the model takes (%zu)", count);
      paths[next_unnamed] = spec;
      continue;
    }
    size_t index = find_input(spec, (size_t)(equals - spec));
    if (index == count)
      return fail_unknown_input(spec, (size_t)(equals - spec));
    if (paths[index])
      return fail("input '%s' is given twice", qc_model_input(index)->name);
    if (!equals[1])
      return fail("--input=%s names no file", spec);
    paths[index] = equals + 1;
  }
  return 0;
}

/* Fills every input buffer: from its file, else with random values (and a
 * note on stderr, as quant-run gives). */
static int load_inputs(const options *parsed, const char *program,
                       buffers *tensors) {
  size_t count = qc_model_num_inputs();
  const char **paths = calloc(count + 1, sizeof(const char *));
  if (!paths)
    return fail("out of memory");
  int status = assign_inputs(parsed, paths);
  uint64_t state = parsed->seed;
  for (size_t i = 0; i < count && !status; ++i) {
    const qc_tensor_info *info = qc_model_input(i);
    if (paths[i]) {
      status = load_input(paths[i], info, tensors->inputs[i]);
      continue;
    }
    fprintf(stderr, "%s: random values for input ", program);
    describe(stderr, info);
    fputc('\n', stderr);
    fill_random(info, tensors->inputs[i], &state);
  }
  free(paths);
  return status;
}

static int run_model(const buffers *tensors) {
  if (qc_model_run(tensors->input_views, qc_model_num_inputs(),
                   tensors->outputs, qc_model_num_outputs()) != QC_OK)
    return fail("the model failed: %s", qc_model_last_error());
  return 0;
}

/* Writes each output to the output directory, or prints its summary. */
static int report_outputs(const options *parsed, const buffers *tensors) {
  for (size_t i = 0; i < qc_model_num_outputs(); ++i) {
    const qc_tensor_info *info = qc_model_output(i);
    if (!parsed->output_dir) {
      print_summary(info, tensors->outputs[i]);
      continue;
    }
    char *path = output_path(parsed->output_dir, info->name);
    if (!path)
      return fail("out of memory");
    int status = write_output(path, info, tensors->outputs[i]);
    if (!status) {
      describe(stdout, info);
      printf(" -> %s\n", path);
    }
    free(path);
    if (status)
      return status;
  }
  return 0;
}

static double now_ms(void) {
  struct timespec time;
  clock_gettime(CLOCK_MONOTONIC, &time);
  return (double)time.tv_sec * 1e3 + (double)time.tv_nsec / 1e6;
}

static int compare_doubles(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

/* Times `runs` runs and prints the median, in quant-run's words. */
static int benchmark(unsigned long long runs, const buffers *tensors) {
  if (runs == 0)
    return 0;
  double *milliseconds = malloc(runs * sizeof(double));
  if (!milliseconds)
    return fail("out of memory for %llu benchmark runs", runs);
  for (unsigned long long i = 0; i < runs; ++i) {
    double start = now_ms();
    if (run_model(tensors)) {
      free(milliseconds);
      return 1;
    }
    milliseconds[i] = now_ms() - start;
  }
  qsort(milliseconds, runs, sizeof(double), compare_doubles);
  printf("latency over %llu runs: median %.4f ms (min %.4f, max %.4f)\n",
         runs, milliseconds[runs / 2], milliseconds[0],
         milliseconds[runs - 1]);
  free(milliseconds);
  return 0;
}

/* Everything after the command line: inputs, a run, outputs, timing. */
static int run(const options *parsed, const char *program) {
  if (qc_model_set_num_threads((int32_t)parsed->num_threads) != QC_OK)
    return fail("%s", qc_model_last_error());
  buffers tensors = {NULL, NULL, NULL};
  int status = allocate_buffers(&tensors) ||
               load_inputs(parsed, program, &tensors) ||
               run_model(&tensors) || report_outputs(parsed, &tensors) ||
               benchmark(parsed->benchmark_runs, &tensors);
  free_buffers(&tensors);
  return status;
}

int main(int argc, char **argv) {
  const char *program = argc > 0 ? argv[0] : "model";
  const char *slash = strrchr(program, '/');
  if (slash)
    program = slash + 1;
  options parsed = {0};
  int status = check_signature() || parse_options(argc, argv, &parsed);
  if (!status && parsed.help)
    print_usage(program);
  else if (!status)
    status = run(&parsed, program);
  free(parsed.inputs);
  return status;
}

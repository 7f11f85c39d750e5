/*
 * Replays inputs through a fuzz harness without libFuzzer (fuzz.h): each
 * argument is a file, or a folder whose files (not recursive, sorted) are
 * each fed to LLVMFuzzerTestOneInput(). A crash is the test failing; an
 * argument that cannot be read fails too, so that a moved corpus is not
 * silently an empty test.
 */
#include "fuzz.h"

static int replay_file(const char *path)
{
	char *data;
	gsize n;
	GError *err = NULL;

	if (!g_file_get_contents(path, &data, &n, &err)) {
		fprintf(stderr, "replay: %s\n", err->message);
		g_error_free(err);
		return 1;
	}
	LLVMFuzzerTestOneInput((const uint8_t *)data, n);
	g_free(data);
	return 0;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *path, size_t *count)
{
	GError *err = NULL;
	GDir *d = g_dir_open(path, 0, &err);
	GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
	const char *name;
	int bad = 0;
	guint i;

	if (!d) {
		fprintf(stderr, "replay: %s\n", err->message);
		g_error_free(err);
		g_ptr_array_free(names, TRUE);
		return 1;
	}
	while ((name = g_dir_read_name(d)))
		if (name[0] != '.')
			g_ptr_array_add(names, g_build_filename(path, name,
								NULL));
	g_dir_close(d);
	g_ptr_array_sort(names, cmp_str);
	for (i = 0; i < names->len; i++) {
		if (g_file_test(names->pdata[i], G_FILE_TEST_IS_DIR))
			continue;
		bad |= replay_file(names->pdata[i]);
		(*count)++;
	}
	g_ptr_array_free(names, TRUE);
	return bad;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int i, bad = 0;

	for (i = 1; i < argc; i++) {
		if (g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
			bad |= replay_dir(argv[i], &count);
		} else {
			bad |= replay_file(argv[i]);
			count++;
		}
	}
	printf("replayed %zu inputs\n", count);
	return bad;
}

/* Fuzz harness: the results.json reader of `selsim plot` and `report`
 * (experiments/results_read.h, results_parse()), and on an accepted
 * document the labels of every cell. */
#include "fuzz.h"
#include "experiments/results_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct results r;
	GError *err = NULL;
	size_t i;

	if (results_parse(FUZZ_FILE, text, &r, &err)) {
		for (i = 0; i < r.n_cells; i++) {
			g_free(results_cell_label(&r, &r.cells[i]));
			g_free(results_grid_label(&r, &r.cells[i], ", "));
			g_free(results_grid_values(&r, &r.cells[i]));
		}
		results_release(&r);
	} else {
		fuzz_check_error(err);
	}
	g_free(text);
	return 0;
}

/* Fuzz harness: the results.json reader of `selsim plot` and `report`
 * (experiments/results_read.h, results_parse()), and on an accepted
 * document the labels of every cell and the report's comparison sections
 * (experiments/report_compare.h), written in memory. */
#include "fuzz.h"
#include "experiments/report_compare.h"
#include "experiments/results_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_text(data, size);
	struct results r;
	GError *err = NULL;
	struct doc d;
	size_t i;

	if (results_parse(FUZZ_FILE, text, &r, &err)) {
		doc_init(&d);
		report_methods(&d, &r);
		report_comparisons(&d, &r);
		report_ranking(&d, &r);
		doc_release(&d);
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

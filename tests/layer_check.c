/*
 * The main() of CMake's layer_check_NAME programs (CMakeLists.txt,
 * selsim_layer()): each links every object of one layer with only the
 * layers below it, so that a call pointing up or sideways fails the link.
 * The programs are never run; linking them is the check.
 */
int main(void)
{
	return 0;
}

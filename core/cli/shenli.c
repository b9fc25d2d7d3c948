/* shenli.c - the shenli program: the whole command line is main.c's. */
#include "cli.h"

int main(int argc, char **argv)
{
	return cli_main(argc, argv);
}

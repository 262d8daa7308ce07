"""`python -m kernels.microbit -f CONNECTION_FILE`: what the kernelspecs start."""

from ipykernel.kernelapp import IPKernelApp

from .kernel import MicrobitKernel

if __name__ == "__main__":
    IPKernelApp.launch_instance(kernel_class=MicrobitKernel)

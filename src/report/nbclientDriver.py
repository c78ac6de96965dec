"""Runs one notebook with nbclient, cell by cell, for src/report/executeNotebooks.ts.

Cell by cell, so that the failing cell's index, source and error output (tslab writes the
exception to the cell's stderr) can be reported. The executed (or partially executed) notebook
is always written; one JSON result line ("DIL-RESULT {...}") is printed last.
argv: source, destination, kernel, per-cell timeout s, whole-notebook timeout s, working dir.
"""
import json, os, sys, time
import nbformat
from nbclient import NotebookClient
source, destination, kernel = sys.argv[1], sys.argv[2], sys.argv[3]
cell_timeout, notebook_timeout, cwd = float(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
deadline = time.time() + notebook_timeout
nb = nbformat.read(source, as_version=4)
client = NotebookClient(nb, kernel_name=kernel, timeout=int(cell_timeout), resources={'metadata': {'path': cwd}})
result = {'ok': True}

def stale_kernel_problem(name):
    """Why the registered kernel cannot start: a spec registered from a checkout since moved or deleted."""
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    try:
        spec = KernelSpecManager().get_kernel_spec(name)
    except NoSuchKernel:
        return None  # nbclient names the missing kernel itself
    gone = [a for a in spec.argv[:2] if os.path.isabs(a) and not os.path.exists(a)]
    if not gone:
        return None
    return ('the Jupyter kernel "%s" (%s) runs %s, which does not exist (registered from another checkout?); '
            'run `npm run setup` in this checkout to register it again' % (name, spec.resource_dir, gone[0]))
def error_text(cell):
    texts = []
    for out in cell.get('outputs', []):
        if out.get('output_type') == 'stream' and out.get('name') == 'stderr':
            texts.append(out.get('text', ''))
        elif out.get('output_type') == 'error':
            texts.append('%s: %s\n%s' % (out.get('ename'), out.get('evalue'), '\n'.join(out.get('traceback', []))))
    return ''.join(texts)[-8000:]
try:
    problem = stale_kernel_problem(kernel)
    if problem:
        raise RuntimeError(problem)
    with client.setup_kernel():
        try:
            sys.stderr.write('DIL-KERNEL-PID %s\n' % client.km.provisioner.pid)
            sys.stderr.flush()
        except Exception:
            pass
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != 'code':
                continue
            remaining = deadline - time.time()
            if remaining <= 0:
                result = {'ok': False, 'cell': index, 'source': cell.source, 'kind': 'NotebookTimeout',
                          'message': 'the whole-notebook time limit of %d s ran out before this cell' % notebook_timeout, 'outputs': ''}
                break
            client.timeout = int(max(1, min(cell_timeout, remaining)))
            try:
                client.execute_cell(cell, index)
            except Exception as err:
                result = {'ok': False, 'cell': index, 'source': cell.source, 'kind': type(err).__name__,
                          'message': str(err)[-3000:], 'outputs': error_text(cell)}
                break
except Exception as err:
    result = {'ok': False, 'kind': type(err).__name__, 'message': str(err)[-3000:]}
finally:
    if result.get('ok'):
        # Outputs we just produced are as trusted as cells the user ran: sign the notebook in the
        # local trust database so Jupyter Notebook / JupyterLab run its figure scripts on open.
        try:
            from nbformat.sign import NotebookNotary
            NotebookNotary().sign(nb)
        except Exception:
            pass
    nbformat.write(nb, destination)
sys.stdout.write('DIL-RESULT ' + json.dumps(result) + '\n')
